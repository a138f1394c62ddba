package testdb

import (
	"bytes"
	"context"
	"testing"

	"github.com/esekit/esekit/ese"
)

// TestBuild scans generated databases of every page size the create
// supports: the header reads back with its shadow, every page verifies,
// the pages the create built are exactly the good ones.
func TestBuild(t *testing.T) {
	for _, ps := range []int{4096, 8192, 16384, 32768} {
		db, err := Build(ps)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ese.ReadDBHeader(bytes.NewReader(db.File))
		if err != nil || !c.ShadowOK || c.PageSize != ps || c.Header.State != ese.DBStateCleanShutdown || c.Header.DBTimeDirtied != db.Create.DBTime {
			t.Fatalf("%d: header %+v %v", ps, c, err)
		}
		res, err := ese.ScanDatabase(context.Background(), bytes.NewReader(db.File), nil)
		if err != nil || !res.OK() || res.Pages != 256 || res.Good != int64(len(db.Create.Pages)) || res.Good+res.Uninitialized != 256 {
			t.Errorf("%d: scan %+v %v", ps, res, err)
		}
	}
}
