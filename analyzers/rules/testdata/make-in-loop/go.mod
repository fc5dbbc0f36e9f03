module example.com/makeinloop

go 1.22
