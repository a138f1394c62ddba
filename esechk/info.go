package esechk

import "github.com/esekit/esekit/eselog"

// CheckpointInfo returns what the log-set checks (eselog.Set.Replay and
// eselog.Set.Check) take from a checkpoint: where soft recovery starts and
// the log stream the checkpoint belongs to. file names the checkpoint in
// their messages.
func (c *Checkpoint) CheckpointInfo(file string) *eselog.CheckpointInfo {
	return &eselog.CheckpointInfo{File: file, Pos: c.Checkpoint, Signature: c.LogSignature}
}
