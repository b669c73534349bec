package store

import (
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// mapped is a record reader that gives, for each batch of src, the batch
// f makes of it: how the narrowers (narrow.go, fxnarrow.go) turn a
// reader's canonical batches into the stored tables' on their way into
// DuckDB. It holds the batch it gave until the next, or its release.
type mapped struct {
	refs   atomic.Int64
	src    array.RecordReader
	schema *arrow.Schema
	f      func(arrow.RecordBatch) arrow.RecordBatch
	cur    arrow.RecordBatch
}

func (m *mapped) init(src array.RecordReader, schema *arrow.Schema, f func(arrow.RecordBatch) arrow.RecordBatch) {
	m.src, m.schema, m.f = src, schema, f
	m.refs.Store(1)
}

func (m *mapped) Retain() { m.refs.Add(1) }

func (m *mapped) Release() {
	if m.refs.Add(-1) == 0 && m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
}

func (m *mapped) Schema() *arrow.Schema          { return m.schema }
func (m *mapped) RecordBatch() arrow.RecordBatch { return m.cur }
func (m *mapped) Record() arrow.RecordBatch      { return m.cur }
func (m *mapped) Err() error                     { return m.src.Err() }

func (m *mapped) Next() bool {
	if m.cur != nil {
		m.cur.Release()
		m.cur = nil
	}
	if !m.src.Next() {
		return false
	}
	m.cur = m.f(m.src.RecordBatch())
	return true
}
