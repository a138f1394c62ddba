package main

func runSample(e *env, js bool) int { return 0 }
