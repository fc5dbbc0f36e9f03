module example.com/goperitem

go 1.22
