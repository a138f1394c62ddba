package ese

// corpusDatabase describes one database of the shared corpus with the
// values its MANIFEST row gives.
type corpusDatabase struct {
	path     string
	pageSize int
	format   string
	state    DBState
	logRand  uint32     // 0: no log signature
	logTime  string     // log signature creation, UTC, to the second (MANIFEST)
	dbRand   uint32     // database signature random
	minReq   Generation // GenMinRequired (= GenMaxRequired = GenMaxCommitted in the corpus)
	cons     string     // ConsistentPos, hex form
	attach   string     // AttachPos, hex form
}

var corpusDatabases = []corpusDatabase{
	{"appdata/IndexedDB.edb", 32768, "0x620,110.240", DBStateCleanShutdown, 0x5e1755e7, "2022-03-23 14:12:52", 0x8bed65cb, 0x0, "(0x1,20,276)", "(0x1,1,268)"},
	{"dissect-esedb-testdbs/basic.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x08999d81, "2022-08-19 11:46:32", 0x87c3f09e, 0x0, "(0x1,16,0)", "(0x1,14,268)"},
	{"dissect-esedb-testdbs/binary.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x949556c2, "2022-08-19 11:46:33", 0x68a0fa84, 0x0, "(0x1,17,0)", "(0x1,14,268)"},
	{"dissect-esedb-testdbs/default.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x365473b4, "2022-08-19 11:46:35", 0x4480531c, 0x0, "(0x1,17,0)", "(0x1,15,268)"},
	{"dissect-esedb-testdbs/index.edb", 4096, "0x620,20", DBStateCleanShutdown, 0x97f34588, "2022-08-19 11:46:36", 0xb53d91af, 0x0, "(0x1,1E,0)", "(0x1,1A,268)"},
	{"dissect-esedb-testdbs/large.edb", 32768, "0x620,20", DBStateCleanShutdown, 0x9e9a8891, "2022-08-17 16:27:34", 0x38c005ad, 0x0, "(0x5,1B1,0)", "(0x5,13E,268)"},
	{"dissect-esedb-testdbs/multi.edb", 4096, "0x620,20", DBStateCleanShutdown, 0xec50e8fc, "2022-08-19 11:46:35", 0xce2cd663, 0x0, "(0x1,1D,0)", "(0x1,15,268)"},
	{"dissect-esedb-testdbs/text.edb", 4096, "0x620,20", DBStateCleanShutdown, 0xcf309723, "2022-08-19 11:46:34", 0x88264bfd, 0x0, "(0x1,1B,0)", "(0x1,16,268)"},
	{"eseparser-testdbs/data-test.v1.edb", 4096, "0x620,20", DBStateCleanShutdown, 0, "", 0x1afb2bab, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"eseparser-testdbs/data-test.v2.edb", 4096, "0x620,20", DBStateCleanShutdown, 0, "", 0x23f1c596, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"eseparser-testdbs/decompress_test.edb", 8192, "0x620,20", DBStateCleanShutdown, 0, "", 0x3556928d, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"eseparser-testdbs/decompress_test2.edb", 8192, "0x620,20", DBStateCleanShutdown, 0, "", 0x502a3e82, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"eseparser-testdbs/test.v1.edb", 4096, "0x620,20", DBStateCleanShutdown, 0, "", 0x5425e646, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"eseparser-testdbs/test.v2.edb", 4096, "0x620,20", DBStateCleanShutdown, 0, "", 0x9801c7b4, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"eseparser-testdbs/test.v3.edb", 4096, "0x620,20", DBStateCleanShutdown, 0, "", 0x9d816468, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"goese-qmgr/qmgr.db", 16384, "0x620,300.620", DBStateDirtyShutdown, 0xb9152b26, "2024-07-27 00:23:04", 0x8d16ad6a, 0x17, "(0x17,1F,78B)", "(0x17,21,268)"},
	{"museum-ntds-win2012r2/temp.edb", 8192, "0x620,20", DBStateJustCreated, 0, "", 0x4a9f7370, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"museum-srum-server2022-apt-1daylater/SRUDB.dat", 4096, "0x620,180.400", DBStateCleanShutdown, 0xed8673f7, "2023-10-18 02:48:29", 0x67b58b71, 0x0, "(0x5,3,1D5)", "(0x4,8,268)"},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRUDB.dat", 4096, "0x620,110.240", DBStateCleanShutdown, 0, "", 0x0f1146a5, 0x0, "(0x0,0,0)", "(0x0,0,0)"},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat", 4096, "0x620,20", DBStateDirtyShutdown, 0xa3dd42de, "2020-08-01 21:48:10", 0x78abf218, 0x51, "(0x51,8,0)", "(0x51,A,268)"},
	{"ravendb-ssdug/Data", 4096, "0x620,17", DBStateDirtyShutdown, 0x005e532e, "2012-02-26 21:15:36", 0x005df29c, 0x1, "(0x0,0,0)", "(0x1,9,6C)"},
	{"secedit-artemk1337-root/secedit.sdb", 4096, "0x620,20", DBStateCleanShutdown, 0x0459e930, "2020-05-09 20:27:47", 0xbbac3357, 0x0, "(0x24,4E,0)", "(0x24,4C,0)"},
	{"wlm-danyquenneville-backup/WindowsMail.MSMessageStore", 8192, "0x620,17", DBStateDirtyShutdown, 0x0004b4a1, "2018-03-11 09:17:55", 0x00045fc9, 0x1, "(0x0,0,0)", "(0x1,1,256)"},
	{"wlm-kimberli13/WindowsMail.MSMessageStore", 8192, "0x620,17", DBStateCleanShutdown, 0x00025254, "2016-12-19 00:13:16", 0x0002928e, 0x0, "(0x2,4B,B5)", "(0x2,4A,1A6)"},
}
