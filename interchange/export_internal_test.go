package interchange

// SetExportPageSize makes exports read n nodes at a time until the returned
// function is called.
func SetExportPageSize(n int) (restore func()) {
	old := exportPageSize
	exportPageSize = n
	return func() { exportPageSize = old }
}
