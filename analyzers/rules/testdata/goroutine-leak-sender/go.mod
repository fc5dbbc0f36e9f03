module example.com/leaksender

go 1.22
