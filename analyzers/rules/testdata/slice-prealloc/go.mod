module example.com/sliceprealloc

go 1.22
