module example.com/hugeparam

go 1.22
