module example.com/atomiccandidate

go 1.22
