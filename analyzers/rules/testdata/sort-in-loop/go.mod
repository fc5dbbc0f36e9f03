module example.com/sortinloop

go 1.22
