package main

func cmdHeader() command {
	return command{
		name:    "header",
		args:    "FILE...",
		summary: "every header field of a database, checkpoint, log, patch or flush-map file (eseutil /mh, /mk, /ml)",
		run:     runHeader,
	}
}

// otherHeaderJSON is the header report of a file that has no header
// (reserve logs, unknown files): its identity.
type otherHeaderJSON struct {
	identity
}

// headerObject reads the header of one file, chosen by its identified type.
// ok is false when the header could not be read.
func headerObject(in input) (any, bool) {
	id := identifyInput(in)
	var o any
	switch id.Type {
	case typeDatabase, typeTempDatabase:
		o = dbHeaderObject(in, id.Type)
	case typeCheckpoint:
		o = checkpointObject(in)
	case typeLog:
		o = logHeaderObject(in)
	case typePatch:
		o = patchHeaderObject(in, id)
	case typeFlushMap:
		fm := flushMapObject(in)
		if v, isMap := fm.(flushMapJSON); isMap && !v.HeaderChecksumOK {
			return fm, false // shown, but a damaged file
		}
		o = fm
	default:
		if id.Type == typeUnknown && id.Size == 0 && id.Error == "" && isPatName(in.name) {
			return patchMarkerObject(in.name), true
		}
		return otherHeaderJSON{identity: id}, id.Type != typeUnknown
	}
	_, bad := o.(fileError)
	return o, !bad
}

func runHeader(e *env, _ any, args []string) int {
	if len(args) == 0 {
		return e.usage()
	}
	status := exitOK
	var out []any
	forEachFile(args, func(in input) {
		o, ok := headerObject(in)
		if !ok {
			status = max(status, exitBad)
		}
		out = append(out, o)
	}, func(name string, err error) {
		fe := errorObject(name, typeUnknown, err)
		status = max(status, fe.status)
		out = append(out, fe)
	})
	e.emit(out)
	return status
}
