package store

// PropertySeeds gives the external tests (package store_test) the one
// seed count the property tests share.
var PropertySeeds = propertySeeds
