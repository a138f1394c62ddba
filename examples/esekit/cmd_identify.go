package main

import "fmt"

func cmdIdentify() command {
	return command{
		name:    "identify",
		args:    "FILE...",
		summary: "type, page/sector size and format version of each file, judged by its bytes, never its name",
		run:     runIdentify,
	}
}

func runIdentify(e *env, _ any, args []string) int {
	if len(args) == 0 {
		return e.usage()
	}
	status := exitOK
	var out []any
	forEachFile(args, func(in input) {
		id := identifyInput(in)
		if id.Error != "" || id.Type == typeUnknown {
			status = max(status, exitBad)
		}
		out = append(out, id)
	}, func(name string, err error) {
		fe := errorObject(name, typeUnknown, err)
		status = max(status, fe.status)
		out = append(out, fe)
	})
	if e.json {
		e.emit(out)
		return status
	}
	for _, o := range out {
		switch v := o.(type) {
		case identity:
			fmt.Fprintf(e.stdout, "%s: %s\n", v.File, describeIdentity(v))
		case fileError:
			fmt.Fprintf(e.stdout, "%s: error: %s\n", v.File, v.Error)
		}
	}
	return status
}

// describeIdentity is the one-line readable form of an identity.
func describeIdentity(v identity) string {
	s := v.Type
	if v.Format != "" {
		s += ", format " + v.Format
	}
	if v.PageSize != 0 {
		if v.Type == typeLog {
			s += fmt.Sprintf(", for %d-byte database pages", v.PageSize)
		} else {
			s += fmt.Sprintf(", %d-byte pages", v.PageSize)
		}
	}
	if v.SectorSize != 0 {
		s += fmt.Sprintf(", %d-byte sectors", v.SectorSize)
	}
	if v.Generation != 0 {
		s += fmt.Sprintf(", generation 0x%X", v.Generation)
	}
	if v.Note != "" {
		s += " (" + v.Note + ")"
	}
	if v.Error != "" {
		s += " (error: " + v.Error + ")"
	}
	return s
}
