module example.com/byteloopcompare

go 1.22
