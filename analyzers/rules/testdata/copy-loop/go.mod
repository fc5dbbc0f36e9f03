module example.com/copyloop

go 1.22
