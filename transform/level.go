package transform

// ProductLevel is the level of a product code in its classification: 0
// for the total of all products (TOTAL), else the number of its
// characters (HS chapter 27 is 2, heading 2709 is 4, subheading 270900 is
// 6; SITC 1 to 5; Comtrade's aggrLevel says the same for goods). The
// store keeps it with every product code, and sums each file's rows by
// it, so that a total is never two levels added.
func ProductLevel(code string) int {
	if code == "TOTAL" {
		return 0
	}
	return len(code)
}
