package models

// Money is an amount in 分 (hundredths of a 元), never a float. The full type with
// parsing and formatting lives in money.go.
type Money int64
