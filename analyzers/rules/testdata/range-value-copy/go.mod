module example.com/rangevaluecopy

go 1.22
