module example.com/byteloopsearch

go 1.22
