package sheets_test

import (
	"fmt"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
)

func ExampleReadCSV() {
	subs := strings.NewReader(`Customer,Plan,Price,Currency,Interval,Start date,End date
acme,Pro,"$1,200.00",,annual,2025-01-10,
beta,Team,€99,,monthly,03/04/2025,
gamma,Team,99,,monthly,2025-02-01,2025-01-31
`)
	fx := strings.NewReader("currency,rate\nEUR,1.08\n")
	l, err := sheets.ReadCSV(subs, fx, sheets.Options{Locale: "en_GB"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rows read, %d counted\n", l.Rows, l.Book.Len())
	for _, is := range l.Errors {
		fmt.Println(is.Error())
	}
	// Output:
	// 3 rows read, 2 counted
	// row 4, End date: ends on 2025-01-31, before it starts on 2025-02-01
}
