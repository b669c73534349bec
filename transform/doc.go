// Package transform owns the reference data and the set-wise transforms
// between the rows the readers load and the figures the reports show.
package transform
