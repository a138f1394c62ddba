package rip_test

import (
	"fmt"
	"strings"

	"github.com/esekit/esekit/rip"
)

// Re-create the example key of KB Q200941 from its worksheet, check it
// against the patch file's "Log Gen: 36-3f", and print the .reg text.
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

// Read a Restore in Progress key from a registry export and decide what
// the next start of the service will do with it.
func ExampleParseRegFile() {
	reg := strings.Join([]string{
		"Windows Registry Editor Version 5.00",
		"",
		`[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\MSExchangeIS\Restore in Progress]`,
		`"BackupLogPath"="\\\\NEWSERVER\\f$\\exchsrvr\\mdbdata"`,
		`"CheckpointFilePath"="\\\\NEWSERVER\\c$\\exchsrvr\\mdbdata"`,
		`"EDB Database recovered"=hex:00`,
		`"HighLog Number"=dword:0000003f`,
		`"LogPath"="\\\\NEWSERVER\\f$\\exchsrvr\\mdbdata"`,
		`"LowLog Number"=dword:00000036`,
		"",
	}, "\r\n")
	f, err := rip.ParseRegFile([]byte(reg))
	if err != nil {
		panic(err)
	}
	k, err := rip.FromRegFile(f)
	if err != nil {
		panic(err) // rip.ErrNoKey when the file holds no such key
	}
	fmt.Printf("%s: logs 0x%X-0x%X from %s, recovered %v\n", k.Service, k.LowLog, k.HighLog, k.BackupLogPath, k.Recovered)

	// The restore left the backup's logs and one patch file with its page
	// images; the logs have not been replayed yet.
	d := rip.Disk{Service: k.Service, PatchFiles: 1, PatchPages: 12, BackupLogs: 10, CurrentLog: true}
	fmt.Println(rip.Decide(k, d).Action)
	ok, _ := rip.SafeToDelete(k, d)
	fmt.Println("safe to delete the key:", ok)

	// Without the key, the start would run soft recovery and the pages
	// the patch file holds would be lost.
	fmt.Println(rip.Decide(nil, d).Action)
	// Output:
	// MSExchangeIS: logs 0x36-0x3F from \\NEWSERVER\f$\exchsrvr\mdbdata, recovered false
	// hard-recovery
	// safe to delete the key: false
	// soft-recovery-corrupts
}
