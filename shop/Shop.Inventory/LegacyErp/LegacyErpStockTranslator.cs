using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Shop.Inventory.StockSync;

namespace Shop.Inventory.LegacyErp;

/// <summary>
/// The translator half of the anti-corruption layer (Codex 08): the ERP's fixed-width stock export in, the inventory's
/// <see cref="StockCount"/>s out. Packs become units, a comma-decimal price per pack becomes a unit cost in cents, an
/// 18-digit material number becomes a product id, <c>yyyy.MM.dd</c> becomes a date. A line that does not read cleanly is
/// rejected whole with the reason, never half read.
/// </summary>
internal static class LegacyErpStockTranslator
{
    // The ERP's own names for its fields, kept here and nowhere else (the architecture test holds the module to it).
    private const string HeaderTag = "HDR";
    private const string StockTag = "STK1";
    private const int RecordLength = 66;

    private static readonly Dictionary<string, int> PackSizes = new(StringComparer.Ordinal)
    {
        ["EA"] = 1,
        ["PK6"] = 6,
        ["PK12"] = 12,
        ["BX24"] = 24,
    };

    public static StockCountBatch Translate(string export, string plant)
    {
        ArgumentNullException.ThrowIfNull(export);
        var lines = export.Split('\n');
        var header = lines[0].TrimEnd('\r');
        // Without a readable header the delivery cannot be told apart from another one: every line is set aside.
        var batchId = ReadBatchId(header);
        var counts = new List<StockCount>();
        var rejected = new List<RejectedLine>();
        if (batchId is null)
        {
            batchId = "unreadable-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(export)).AsSpan(0, 8));
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimEnd('\r').Length > 0)
                {
                    rejected.Add(new RejectedLine(i + 1, lines[i].TrimEnd('\r'), "the delivery's header is unreadable, so none of it is applied"));
                }
            }

            return new StockCountBatch(batchId, counts, rejected);
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var (count, reason) = ReadRecord(line, plant);
            if (count is not null)
            {
                counts.Add(count);
            }
            else
            {
                rejected.Add(new RejectedLine(i + 1, line, reason!));
            }
        }

        return new StockCountBatch(batchId, counts, rejected);
    }

    private static string? ReadBatchId(string header) =>
        header.Length >= 13 && header.StartsWith(HeaderTag, StringComparison.Ordinal) && IsDigits(header.AsSpan(3, 10))
            ? string.Concat("erp-", header.AsSpan(3, 10))
            : null;

    private static (StockCount? Count, string? Reason) ReadRecord(string line, string plant)
    {
        if (line.Length != RecordLength)
        {
            return (null, $"a stock record is {RecordLength} characters; this one is {line.Length}");
        }

        if (!line.StartsWith(StockTag, StringComparison.Ordinal))
        {
            return (null, $"not a stock record (starts '{line[..4]}')");
        }

        var material = line.AsSpan(4, 18);
        if (!IsDigits(material) || !long.TryParse(material, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > int.MaxValue)
        {
            return (null, $"material number '{material}' is not a product id");
        }

        if (!line.AsSpan(22, 4).SequenceEqual(plant))
        {
            return (null, $"plant '{line.Substring(22, 4)}' is not this shop's ({plant})");
        }

        var packCode = line.Substring(26, 4).TrimEnd();
        if (!PackSizes.TryGetValue(packCode, out var packSize))
        {
            return (null, $"unknown pack code '{packCode}'");
        }

        if (!IsDigits(line.AsSpan(30, 9)) || !int.TryParse(line.AsSpan(30, 9), NumberStyles.None, CultureInfo.InvariantCulture, out var packs))
        {
            return (null, $"pack quantity '{line.Substring(30, 9)}' is not a whole number");
        }

        if ((long)packs * packSize > int.MaxValue)
        {
            return (null, $"{packs} packs of {packSize} is more units than can be counted");
        }

        if (ReadCommaDecimalCents(line.AsSpan(39, 14).Trim()) is not { } packCents)
        {
            return (null, $"price '{line.Substring(39, 14).Trim()}' is not a comma-decimal amount such as 19,99");
        }

        var currency = line.Substring(53, 3);
        if (!currency.All(char.IsAsciiLetterUpper))
        {
            return (null, $"currency '{currency}' is not three capital letters");
        }

        if (!DateOnly.TryParseExact(line.AsSpan(56, 10), "yyyy.MM.dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var counted))
        {
            return (null, $"count date '{line.Substring(56, 10)}' is not yyyy.MM.dd");
        }

        // The cost of one unit, rounded half away from zero: a pack of 6 at 10,00 is 167 cents a unit.
        var unitCost = (long)Math.Round(packCents / (decimal)packSize, MidpointRounding.AwayFromZero);
        return (new StockCount((int)number, packs * packSize, unitCost, currency, counted), null);
    }

    // "1234,5" and "1234,56" read; a point, a thousands separator, a sign or a letter do not.
    private static long? ReadCommaDecimalCents(ReadOnlySpan<char> text)
    {
        var comma = text.IndexOf(',');
        if (comma < 1 || comma != text.LastIndexOf(',') || text.Length - comma - 1 is < 1 or > 2)
        {
            return null;
        }

        var whole = text[..comma];
        var fraction = text[(comma + 1)..];
        if (!IsDigits(whole) || !IsDigits(fraction) || whole.Length > 12)
        {
            return null;
        }

        var cents = long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture) * 100;
        var part = int.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        return cents + (fraction.Length == 1 ? part * 10 : part);
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}
