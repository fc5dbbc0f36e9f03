module example.com/sprintfsimple

go 1.22
