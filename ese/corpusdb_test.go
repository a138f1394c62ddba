package ese

// corpusDatabase describes one database of the shared corpus with the
// values its MANIFEST row gives.
type corpusDatabase struct {
	path     string
	pageSize int
	format   string
	state    DBState
	logRand  uint32 // 0: no log signature
}

var corpusDatabases = []corpusDatabase{
	{"appdata/IndexedDB.edb", 32768, "0x620,110.240", DBStateCleanShutdown, 0x5e1755e7},
	{"dissect-esedb-testdbs/basic.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x08999d81},
	{"dissect-esedb-testdbs/binary.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x949556c2},
	{"dissect-esedb-testdbs/default.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x365473b4},
	{"dissect-esedb-testdbs/index.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x97f34588},
	{"dissect-esedb-testdbs/large.edb", 32768, "0x620,20", DBStateCleanShutdown, 0x9e9a8891},
	{"dissect-esedb-testdbs/multi.edb", 4096, "0x620,20", DBStateCleanShutdown, 0xec50e8fc},
	{"dissect-esedb-testdbs/text.edb", 4096, "0x620,20", DBStateCleanShutdown, 0xcf309723},
	{"eseparser-testdbs/data-test.v1.edb", 4096, "0x620,20", DBStateCleanShutdown, 0},
	{"eseparser-testdbs/data-test.v2.edb", 4096, "0x620,20", DBStateCleanShutdown, 0},
	{"eseparser-testdbs/decompress_test.edb", 8192, "0x620,20", DBStateCleanShutdown, 0},
	{"eseparser-testdbs/decompress_test2.edb", 8192, "0x620,20", DBStateCleanShutdown, 0},
	{"eseparser-testdbs/test.v1.edb", 4096, "0x620,20", DBStateCleanShutdown, 0},
	{"eseparser-testdbs/test.v2.edb", 4096, "0x620,20", DBStateCleanShutdown, 0},
	{"eseparser-testdbs/test.v3.edb", 4096, "0x620,20", DBStateCleanShutdown, 0},
	{"goese-qmgr/qmgr.db", 16384, "0x620,300.620", DBStateDirtyShutdown, 0xb9152b26},
	{"museum-ntds-win2012r2/temp.edb", 8192, "0x620,20", DBStateJustCreated, 0},
	{"museum-srum-server2022-apt-1daylater/SRUDB.dat", 4096, "0x620,180.400", DBStateCleanShutdown, 0xed8673f7},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRUDB.dat", 4096, "0x620,110.240", DBStateCleanShutdown, 0},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat", 4096, "0x620,20", DBStateDirtyShutdown, 0xa3dd42de},
	{"ravendb-ssdug/Data", 4096, "0x620,17", DBStateDirtyShutdown, 0x005e532e},
	{"secedit-artemk1337-root/secedit.sdb", 4096, "0x620,20", DBStateCleanShutdown, 0x0459e930},
	{"wlm-danyquenneville-backup/WindowsMail.MSMessageStore", 8192, "0x620,17", DBStateDirtyShutdown, 0x0004b4a1},
	{"wlm-kimberli13/WindowsMail.MSMessageStore", 8192, "0x620,17", DBStateCleanShutdown, 0x00025254},
}
