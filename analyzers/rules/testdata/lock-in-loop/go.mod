module example.com/lockinloop

go 1.22
