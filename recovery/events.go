package recovery

import (
	"context"
	"log/slog"

	"github.com/esekit/esekit/ese"
)

// EventKind names a planning or recovery decision. The values are stable:
// programs may compare them.
type EventKind string

// Event kinds.
const (
	EventStart             EventKind = "start"              // where replay starts, and why
	EventEnd               EventKind = "end"                // where replay ends
	EventPlanLog           EventKind = "plan-log"           // planning: "recovery will replay log file X"
	EventReplayLog         EventKind = "replay-log"         // replay: "the database engine is replaying log file X"
	EventCheckpointIgnored EventKind = "checkpoint-ignored" // hard recovery ignores the checkpoint; or it is unreadable
	EventDatabase          EventKind = "database"           // what happens to one database
	EventTruncated         EventKind = "replay-truncated"   // replay into a database stops early (signature or path change)
	EventSkipped           EventKind = "database-skipped"   // a logged database is not replayed (not mapped, other stream)
	EventPatch             EventKind = "patch"              // a patch file is matched to a database
	EventLogProblem        EventKind = "log-problem"        // a finding of the log-set scan
	EventRemap             EventKind = "remap"              // a logged path resolved through the restore map
	EventMapEntry          EventKind = "map-entry"          // a restore map entry is used, or unused, by the plan's logs
	EventAction            EventKind = "action"             // an offline-restore action was carried out or skipped
	EventError             EventKind = "error"              // the plan ends in an engine error
	EventSwitch            EventKind = "switch"             // a recovery switch (Switches) changes a decision
)

// Event is one decision, delivered to Options.OnEvent and logged to
// Options.Logger.
type Event struct {
	// Kind is the stable kind.
	Kind EventKind `json:"kind"`
	// Message is the decision in words.
	Message string `json:"message"`
	// Files are the files involved.
	Files []string `json:"files,omitempty"`
	// Generation is the log generation involved, 0 if none.
	Generation ese.Generation `json:"generation,omitempty"`
	// Code is the engine error involved, 0 if none.
	Code ese.Error `json:"error,omitempty"`
}

// emitter delivers events to the caller's callback and logger and keeps
// them for the plan.
type emitter struct {
	opts   *Options
	events []Event
}

func (e *emitter) emit(ev Event) {
	if len(e.events) < maxEvents {
		e.events = append(e.events, ev)
	}
	if e.opts == nil {
		return
	}
	if e.opts.OnEvent != nil {
		e.opts.OnEvent(ev)
	}
	if l := e.opts.Logger; l != nil {
		level := slog.LevelInfo
		switch {
		case ev.Kind == EventError:
			level = slog.LevelError
		case ev.Code != 0 || ev.Kind == EventTruncated || ev.Kind == EventSkipped:
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{slog.String("kind", string(ev.Kind))}
		if len(ev.Files) > 0 {
			attrs = append(attrs, slog.Any("files", ev.Files))
		}
		if ev.Generation != 0 {
			attrs = append(attrs, slog.Int("generation", int(ev.Generation)))
		}
		if ev.Code != 0 {
			attrs = append(attrs, slog.Int("error", int(ev.Code)))
		}
		l.LogAttrs(context.Background(), level, ev.Message, attrs...)
	}
}

// maxEvents bounds the events a plan keeps (callbacks still get all).
const maxEvents = 10000
