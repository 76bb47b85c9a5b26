package plan

// SetCandidateExtra changes how many candidate mentors the pairing solver
// starts with, so that tests can force pricing rounds. It returns a function
// that restores the default.
func SetCandidateExtra(extra int) (restore func()) {
	old := candidateExtra
	candidateExtra = extra
	return func() { candidateExtra = old }
}
