package rip

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/esekit/esekit/ese"
)

// Worksheet is the form KB Q200941 has you fill in before re-creating a
// Restore in Progress key, plus the database paths the key needs.
//
// Its text form is one "Label: value" per line, the article's seven labels
// first; "Original database path" and "Database path" repeat, one line per
// database, in the same order. Lines starting with '#' or ';' and blank
// lines are ignored; labels match without regard to case. Example:
//
//	Service: MSExchangeIS
//	Transaction Logs Path: F:\exchsrvr\mdbdata
//	Working Path: C:\exchsrvr\mdbdata
//	Number of databases: 2
//	Server from which backup was taken: OLDSERVER
//	Server to which backup is being restored: NEWSERVER
//	LowLog Number: 36
//	HighLog Number: 3f
//	Original database path: C:\exchsrvr\MDBDATA\PRIV.EDB
//	Database path: D:\exchsrvr\MDBDATA\PRIV.EDB
//	Original database path: C:\exchsrvr\MDBDATA\PUB.EDB
//	Database path: E:\exchsrvr\MDBDATA\PUB.EDB
//
// LowLog and HighLog are hexadecimal, as the article enters them (Radix: Hex)
// and as the log file names and ESEUTIL /MH's "Log Gen: 36-3f" show them;
// a 0x prefix is allowed.
type Worksheet struct {
	// Service is MSExchangeIS or MSExchangeDS (default MSExchangeIS).
	Service string `json:"service"`
	// TransactionLogsPath is the current transaction logs folder on the
	// server being restored to (a local path like F:\exchsrvr\mdbdata, or
	// already in UNC form).
	TransactionLogsPath string `json:"transaction_logs_path"`
	// WorkingPath is the current working path (where Edb.chk lives).
	WorkingPath string `json:"working_path"`
	// NumberOfDatabases is the number of databases attached to the service
	// (1 or 2): EDB_RstMap Size.
	NumberOfDatabases int `json:"number_of_databases"`
	// BackupServer is the server the backup was taken from.
	BackupServer string `json:"backup_server"`
	// RestoreServer is the server the backup is being restored to.
	RestoreServer string `json:"restore_server"`
	// LowLog is the low log generation of the patch file's full backup.
	LowLog ese.Generation `json:"lowlog_number"`
	// HighLog is the high generation: the patch file's, or the highest log
	// restored from an incremental tape.
	HighLog ese.Generation `json:"highlog_number"`
	// OriginalDatabasePaths are the database files' paths when the backup
	// was taken, one per database (ESEUTIL /ML on the LowLog file lists
	// them, e.g. E:\EXCHSRVR\MDBDATA\PRIV.EDB).
	OriginalDatabasePaths []string `json:"original_database_paths"`
	// DatabasePaths are the paths the database files are restored to, in
	// the same order; when empty the original paths are used (same paths,
	// possibly on another server).
	DatabasePaths []string `json:"database_paths,omitempty"`
}

// Worksheet labels (the first seven are KB Q200941's).
const (
	LabelLogsPath      = "Transaction Logs Path"
	LabelWorkingPath   = "Working Path"
	LabelDatabases     = "Number of databases"
	LabelBackupServer  = "Server from which backup was taken"
	LabelRestoreServer = "Server to which backup is being restored"
	LabelLowLog        = "LowLog Number"
	LabelHighLog       = "HighLog Number"
	LabelService       = "Service"
	LabelOriginalPath  = "Original database path"
	LabelDatabasePath  = "Database path"
)

// MaxWorksheetSize bounds the worksheet text ParseWorksheet reads.
const MaxWorksheetSize = 1 << 20

// ErrWorksheet is wrapped by worksheet errors. It wraps
// ese.ErrInvalidParameter (JET_errInvalidParameter, -1003), so the code a
// caller reports for a bad worksheet is that one.
var ErrWorksheet = ese.NewSentinel("rip: bad worksheet", ese.ErrInvalidParameter)

func wsErr(line int, format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrWorksheet, line, fmt.Sprintf(format, args...))
}

// ParseHexLog parses a log generation the way KB Q200941 writes them: hex
// digits ("3f"), optionally with a 0x prefix or as an Edb file name
// ("Edb0003f.log"). Anything else is an error wrapping ErrWorksheet.
func ParseHexLog(s string) (ese.Generation, error) {
	s = strings.TrimSpace(s)
	ls := strings.ToLower(s)
	if strings.HasPrefix(ls, "edb") && strings.HasSuffix(ls, ".log") {
		s = s[3 : len(s)-4]
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a hexadecimal log number", ErrWorksheet, s)
	}
	return ese.Generation(v), nil
}

// ParseWorksheet reads the text form.
func ParseWorksheet(r io.Reader) (*Worksheet, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxWorksheetSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxWorksheetSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrWorksheet, MaxWorksheetSize)
	}
	text, _, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	w := &Worksheet{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), MaxWorksheetSize)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		label, val, ok := strings.Cut(line, ":")
		if !ok {
			return nil, wsErr(n, "no ':' after the label")
		}
		label, val = strings.TrimSpace(label), strings.TrimSpace(val)
		switch strings.ToLower(label) {
		case strings.ToLower(LabelService):
			w.Service = val
		case strings.ToLower(LabelLogsPath):
			w.TransactionLogsPath = val
		case strings.ToLower(LabelWorkingPath):
			w.WorkingPath = val
		case strings.ToLower(LabelDatabases):
			d, err := strconv.Atoi(val)
			if err != nil || d < 0 || d > 64 {
				return nil, wsErr(n, "number of databases %q is not a small number", val)
			}
			w.NumberOfDatabases = d
		case strings.ToLower(LabelBackupServer):
			w.BackupServer = val
		case strings.ToLower(LabelRestoreServer):
			w.RestoreServer = val
		case strings.ToLower(LabelLowLog):
			if w.LowLog, err = ParseHexLog(val); err != nil {
				return nil, wsErr(n, "%v", err)
			}
		case strings.ToLower(LabelHighLog):
			if w.HighLog, err = ParseHexLog(val); err != nil {
				return nil, wsErr(n, "%v", err)
			}
		case strings.ToLower(LabelOriginalPath):
			w.OriginalDatabasePaths = append(w.OriginalDatabasePaths, val)
		case strings.ToLower(LabelDatabasePath):
			w.DatabasePaths = append(w.DatabasePaths, val)
		default:
			return nil, wsErr(n, "unknown label %q", label)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWorksheet, err)
	}
	return w, nil
}

// Format returns the text form; ParseWorksheet of it gives w back.
func (w *Worksheet) Format() []byte {
	var b bytes.Buffer
	if w.Service != "" {
		fmt.Fprintf(&b, "%s: %s\n", LabelService, w.Service)
	}
	fmt.Fprintf(&b, "%s: %s\n", LabelLogsPath, w.TransactionLogsPath)
	fmt.Fprintf(&b, "%s: %s\n", LabelWorkingPath, w.WorkingPath)
	fmt.Fprintf(&b, "%s: %d\n", LabelDatabases, w.NumberOfDatabases)
	fmt.Fprintf(&b, "%s: %s\n", LabelBackupServer, w.BackupServer)
	fmt.Fprintf(&b, "%s: %s\n", LabelRestoreServer, w.RestoreServer)
	fmt.Fprintf(&b, "%s: %x\n", LabelLowLog, w.LowLog)
	fmt.Fprintf(&b, "%s: %x\n", LabelHighLog, w.HighLog)
	for i, p := range w.OriginalDatabasePaths {
		fmt.Fprintf(&b, "%s: %s\n", LabelOriginalPath, p)
		if i < len(w.DatabasePaths) {
			fmt.Fprintf(&b, "%s: %s\n", LabelDatabasePath, w.DatabasePaths[i])
		}
	}
	for i := len(w.OriginalDatabasePaths); i < len(w.DatabasePaths); i++ {
		fmt.Fprintf(&b, "%s: %s\n", LabelDatabasePath, w.DatabasePaths[i])
	}
	return b.Bytes()
}

// UNCPath turns a local path on server into the UNC form the key needs:
// E:\exchsrvr\mdbdata on NEWSERVER becomes \\NEWSERVER\E$\exchsrvr\mdbdata
// (the drive's administrative share). A path already in UNC form is
// returned unchanged.
func UNCPath(server, p string) (string, error) {
	if strings.HasPrefix(p, `\\`) {
		return p, nil
	}
	if server == "" {
		return "", errors.New("no server name to build a UNC path")
	}
	if len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
		rest := strings.TrimLeft(p[2:], `\`)
		return `\\` + server + `\` + p[:1] + `$\` + rest, nil
	}
	return "", fmt.Errorf("%q is neither a drive path (E:\\...) nor a UNC path", p)
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// Key builds the Restore in Progress key from the worksheet, as KB Q200941's
// "How to Re-Create a Restore in Progress Key" does by hand: LogPath and
// BackupLogPath are the transaction logs path and CheckpointFilePath the
// working path, all on the restore server in UNC form; EDB_RstMap pairs
// each original database path on the backup server with its restored path
// on the restore server; EDB Database recovered is 00.
func (w *Worksheet) Key() (*Key, error) {
	svc := w.Service
	if svc == "" {
		svc = ServiceIS
	}
	n := w.NumberOfDatabases
	if n <= 0 {
		n = len(w.OriginalDatabasePaths)
	}
	switch {
	case w.BackupServer == "" || w.RestoreServer == "":
		return nil, fmt.Errorf("%w: both servers are needed (the server the backup was taken from may be the one restored to)", ErrWorksheet)
	case n == 0:
		return nil, fmt.Errorf("%w: no databases", ErrWorksheet)
	case len(w.OriginalDatabasePaths) != n:
		return nil, fmt.Errorf("%w: %d databases but %d original database paths", ErrWorksheet, n, len(w.OriginalDatabasePaths))
	case len(w.DatabasePaths) != 0 && len(w.DatabasePaths) != n:
		return nil, fmt.Errorf("%w: %d databases but %d restored database paths", ErrWorksheet, n, len(w.DatabasePaths))
	case w.LowLog == 0:
		return nil, fmt.Errorf("%w: LowLog Number is needed (the low log number from the .pat file)", ErrWorksheet)
	case w.HighLog < w.LowLog:
		return nil, fmt.Errorf("%w: HighLog Number %x is below LowLog Number %x", ErrWorksheet, w.HighLog, w.LowLog)
	}
	k := &Key{Path: KeyPath(svc), Service: svc, LowLog: w.LowLog, HighLog: w.HighLog, RstMapSize: uint32(n)}
	var err error
	if k.LogPath, err = UNCPath(w.RestoreServer, w.TransactionLogsPath); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrWorksheet, LabelLogsPath, err)
	}
	k.BackupLogPath = k.LogPath
	if k.CheckpointFilePath, err = UNCPath(w.RestoreServer, w.WorkingPath); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrWorksheet, LabelWorkingPath, err)
	}
	for i, orig := range w.OriginalDatabasePaths {
		before, err := UNCPath(w.BackupServer, orig)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %d: %v", ErrWorksheet, LabelOriginalPath, i+1, err)
		}
		cur := orig
		if len(w.DatabasePaths) != 0 {
			cur = w.DatabasePaths[i]
		}
		after, err := UNCPath(w.RestoreServer, cur)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %d: %v", ErrWorksheet, LabelDatabasePath, i+1, err)
		}
		k.RstMap = append(k.RstMap, before, after)
	}
	return k, nil
}
