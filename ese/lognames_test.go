package ese

import (
	"errors"
	"os"
	"path"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// KB Q296787 (docs/recovery.md#anchor-log): "Last Consistent:
// (4815,7337,400)"; 4815 decimal is 0x12CF, so the anchor log is
// Edb012CF.log. (One passage of the article prints 12FC / Edb012fc.log for the
// same generation; 0x12FC is 4860, a transposition: the correct name is
// tested here.)
func TestAnchorLogQ296787(t *testing.T) {
	lc, err := ParseLogPos("(4815,7337,400)")
	if err != nil {
		t.Fatal(err)
	}
	if got := AnchorLogName(lc, "Edb", ExtLog, 5); got != "Edb012CF.log" {
		t.Errorf("anchor = %q, want Edb012CF.log", got)
	}
	if got := AnchorLogName(lc, "Edb", ExtLog, 0); got != "Edb012CF.log" {
		t.Errorf("anchor (auto digits) = %q", got)
	}
	// The article's lower-case spelling parses to the same generation.
	for name, gen := range map[string]Generation{"Edb012cf.log": 4815, "edb012dc.log": 4828, "Edb00001.log": 1, "edb0000a.log": 10} {
		n, err := ParseLogName(name)
		if err != nil || n.Kind != LogNameNumbered || n.Generation != gen || n.Digits != 5 {
			t.Errorf("ParseLogName(%q) = %+v, %v; want generation %d", name, n, err, gen)
		}
	}
}

func TestLogNames(t *testing.T) {
	cases := []struct {
		name string
		want LogName
	}{
		{"edb0000D.log", LogName{Kind: LogNameNumbered, Base: "edb", Ext: ".log", Generation: 13, Digits: 5}},
		{"E000000000D.log", LogName{Kind: LogNameNumbered, Base: "E00", Ext: ".log", Generation: 13, Digits: 8}},
		{"SRU0004E.log", LogName{Kind: LogNameNumbered, Base: "SRU", Ext: ".log", Generation: 0x4E, Digits: 5}},
		{"USS00040.jtx", LogName{Kind: LogNameNumbered, Base: "USS", Ext: ".jtx", Generation: 0x40, Digits: 5}},
		{"j5000000100.jtx", LogName{Kind: LogNameNumbered, Base: "j50", Ext: ".jtx", Generation: 0x100, Digits: 8}},
		{"RVN7FFFF7FF.log", LogName{Kind: LogNameNumbered, Base: "RVN", Ext: ".log", Generation: 0x7FFFF7FF, Digits: 8}},
		{"SRU.log", LogName{Kind: LogNameCurrent, Base: "SRU", Ext: ".log"}},
		{"USS.jtx", LogName{Kind: LogNameCurrent, Base: "USS", Ext: ".jtx"}},
		{"edbtmp.log", LogName{Kind: LogNameTemp, Base: "edb", Ext: ".log"}},
		{"USStmp.jtx", LogName{Kind: LogNameTemp, Base: "USS", Ext: ".jtx"}},
		{"edbres00001.jrs", LogName{Kind: LogNameReserve, Base: "edb", Ext: ".jrs", Ordinal: 1, Digits: 5}},
		{"USSres00002.jrs", LogName{Kind: LogNameReserve, Base: "USS", Ext: ".jrs", Ordinal: 2, Digits: 5}},
		{"res1.log", LogName{Kind: LogNameLegacyReserve, Ext: ".log", Ordinal: 1}},
		{"edb.chk", LogName{Kind: LogNameCheckpoint, Base: "edb", Ext: ".chk"}},
		{"RVN.chk", LogName{Kind: LogNameCheckpoint, Base: "RVN", Ext: ".chk"}},
		{"USS.jcp", LogName{Kind: LogNameCheckpoint, Base: "USS", Ext: ".jcp"}},
	}
	for _, c := range cases {
		got, err := ParseLogName(`C:\logs\` + c.name)
		if err != nil || got != c.want {
			t.Errorf("ParseLogName(%q) = %+v, %v; want %+v", c.name, got, err, c.want)
			continue
		}
		if s := got.String(); s != c.name {
			t.Errorf("%+v.String() = %q, want %q", got, s, c.name)
		}
	}
	for _, bad := range []string{"edb0000G.log", "edb123.log", "ed.log", "edb.txt", "edb00000.log", "edb", "edbres0001.jrs", "edbres00000.jrs", "edbx.chk", "edb80000000.log", "edbFFFFFFFF.log"} {
		if n, err := ParseLogName(bad); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("ParseLogName(%q) = %+v, %v; want ErrInvalidPath", bad, n, err)
		}
	}
	gens := []struct {
		gen    Generation
		digits int
		want   string
	}{{13, 5, "0000D"}, {13, 8, "0000000D"}, {13, 0, "0000D"}, {0xFFFFF, 0, "FFFFF"}, {0x100000, 0, "00100000"}, {0x100000, 5, "00100000"}}
	for _, g := range gens {
		if got := GenerationDigits(g.gen, g.digits); got != g.want {
			t.Errorf("GenerationDigits(%#x, %d) = %q, want %q", g.gen, g.digits, got, g.want)
		}
	}
	if LogFileName("SRU", 0x51, "", 0) != "SRU00051.log" || CurrentLogName("USS", ExtJtx) != "USS.jtx" ||
		TempLogName("edb", "") != "edbtmp.log" || ReserveLogName("SRU", 2) != "SRUres00002.jrs" ||
		CheckpointName("USS", ExtJtx) != "USS.jcp" || CheckpointName("edb", ExtLog) != "edb.chk" {
		t.Error("name builders")
	}
}

// Every numbered log of the corpus carries in its header the generation its
// name says, and every log-set name of the corpus parses and rebuilds.
func TestLogNamesCorpus(t *testing.T) {
	files := testcorpus.Files(t)
	if len(files) == 0 {
		t.Skip("corpus is empty")
	}
	numbered := 0
	for _, rel := range files {
		base := path.Base(rel)
		n, err := ParseLogName(base)
		if err != nil {
			continue // databases, flush maps, patch files
		}
		if n.String() != base {
			t.Errorf("%s: rebuilt as %q", rel, n.String())
		}
		if n.Kind != LogNameNumbered {
			continue
		}
		f, err := os.Open(testcorpus.Path(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		id, err := Identify(f)
		f.Close()
		if err != nil || id.Kind != KindLog || id.Generation != n.Generation {
			t.Errorf("%s: name generation %#x, header %+v %v", rel, n.Generation, id, err)
		}
		numbered++
	}
	if numbered != 15 {
		t.Errorf("%d numbered logs in the corpus, want 15", numbered)
	}
}
