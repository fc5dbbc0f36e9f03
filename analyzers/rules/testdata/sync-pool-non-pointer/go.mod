module example.com/syncpoolnonpointer

go 1.22
