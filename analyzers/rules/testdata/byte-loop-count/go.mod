module example.com/byteloopcount

go 1.22
