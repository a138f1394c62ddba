package ese_test

import (
	"bytes"
	"fmt"

	"github.com/esekit/esekit/ese"
)

// The anchor-log rule of KB Q296787: "Last Consistent: (4815,7337,400)" names
// the first log a restored database needs.
func ExampleAnchorLogName() {
	lc, _ := ese.ParseLogPos("(4815,7337,400)")
	fmt.Println(lc, ese.AnchorLogName(lc, "Edb", ese.ExtLog, 5))
	// Output: (0x12CF,1CA9,190) Edb012CF.log
}

func ExampleParseLogName() {
	for _, name := range []string{"SRU0004E.log", "USS.jtx", "edbres00002.jrs", "E000000000D.log"} {
		n, err := ese.ParseLogName(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(n.Kind, n.Base, n.Generation, n.Ordinal)
	}
	// Output:
	// Numbered SRU 78 0
	// Current USS 0 0
	// Reserve edb 0 2
	// Numbered E00 13 0
}

// Building a database header page and reading it back.
func ExampleDBHeader_Encode() {
	h := &ese.DBHeader{
		Magic: ese.DBMagic, FormatVersion: ese.DBFormatVersion, FormatUpdateMajor: 20,
		PageSize: 4096, State: ese.DBStateCleanShutdown, DbID: 1, FileType: ese.FileTypeDatabase,
	}
	page := h.Encode(4096)
	file := append(page, page...) // primary and shadow copy
	c, err := ese.ReadDBHeader(bytes.NewReader(file))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.PageSize, c.Header.Format(), c.Header.State, c.HeaderChecksumOK, c.ShadowOK)
	id, _ := ese.Identify(bytes.NewReader(file))
	fmt.Println(id.Kind, id.PageSize, id.Format)
	// Output:
	// 4096 0x620,20 CleanShutdown true true
	// database 4096 0x620,20
}
