module example.com/sortsliceinterface

go 1.22
