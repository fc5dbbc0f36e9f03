module example.com/lockio

go 1.22
