module example.com/sleeppolling

go 1.22
