package rip_test

import (
	"fmt"
	"strings"

	"github.com/esekit/esekit/rip"
)

// Re-create KB Q200941's example key from its worksheet, check it against
// the patch file's "Log Gen: 36-3f", and print the .reg text.
func ExampleWorksheet_Key() {
	w, err := rip.ParseWorksheet(strings.NewReader(`Transaction Logs Path: f:\exchsrvr\mdbdata
Working Path: c:\exchsrvr\mdbdata
Number of databases: 1
Server from which backup was taken: OLDSERVER
Server to which backup is being restored: NEWSERVER
LowLog Number: 36
HighLog Number: 3f
Original database path: c:\exchsrvr\MDBDATA\PRIV.EDB
Database path: d:\exchsrvr\MDBDATA\PRIV.EDB
`))
	if err != nil {
		panic(err)
	}
	k, err := w.Key()
	if err != nil {
		panic(err)
	}
	fmt.Println(len(rip.Validate(k, &rip.Evidence{PatchGenLow: 0x36, PatchGenHigh: 0x3f, PatchFiles: 1})), "problems")
	fmt.Print(strings.ReplaceAll(string(k.Marshal(rip.Regedit4)), "\r\n", "\n"))
	// Output:
	// 0 problems
	// REGEDIT4
	//
	// [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\MSExchangeIS\Restore in Progress]
	// "BackupLogPath"="\\\\NEWSERVER\\f$\\exchsrvr\\mdbdata"
	// "CheckpointFilePath"="\\\\NEWSERVER\\c$\\exchsrvr\\mdbdata"
	// "EDB Database recovered"=hex:00
	// "EDB_RstMap"=hex(7):5c,5c,4f,4c,44,53,45,52,56,45,52,5c,63,24,5c,65,78,63,68,\
	//   73,72,76,72,5c,4d,44,42,44,41,54,41,5c,50,52,49,56,2e,45,44,42,00,5c,5c,4e,\
	//   45,57,53,45,52,56,45,52,5c,64,24,5c,65,78,63,68,73,72,76,72,5c,4d,44,42,44,\
	//   41,54,41,5c,50,52,49,56,2e,45,44,42,00,00
	// "EDB_RstMap Size"=dword:00000001
	// "HighLog Number"=dword:0000003f
	// "LogPath"="\\\\NEWSERVER\\f$\\exchsrvr\\mdbdata"
	// "LowLog Number"=dword:00000036
}

// Find what is wrong with a hand-made key.
func ExampleValidate() {
	k, err := rip.ParseKey([]byte("REGEDIT4\r\n\r\n" +
		"[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress]\r\n" +
		"\"BackupLogPath\"=\"\\\\\\\\NEWSERVER\\\\f$\\\\dsadata\"\r\n" +
		"\"CheckpointFilePath\"=\"\\\\\\\\NEWSERVER\\\\f$\\\\dsadata\"\r\n" +
		"\"EDB Database recovered\"=hex:00\r\n" +
		"\"EDB_RstMap\"=hex(7):5c,5c,4f,4c,44,53,45,52,56,52,5c,63,24,5c,44,49,52,2e,45,44,42,00,5c,5c,4e,45,57,53,45,52,56,45,52,5c,63,24,5c,44,49,52,2e,45,44,42,00,00\r\n" +
		"\"EDB_RstMap Size\"=dword:00000001\r\n" +
		"\"HighLog Number\"=dword:0000003f\r\n" +
		"\"LogPath\"=\"\\\\\\\\NEWSERVER\\\\f$\\\\dsadata\"\r\n" +
		"\"LowLogNumber\"=dword:00000036\r\n"))
	if err != nil {
		panic(err)
	}
	for _, p := range rip.Validate(k, &rip.Evidence{PatchGenLow: 0x36, PatchGenHigh: 0x3f}) {
		fmt.Println(p.Code, p.Value)
	}
	// Output:
	// misnamed-value LowLogNumber
	// missing-value LowLog Number
}
