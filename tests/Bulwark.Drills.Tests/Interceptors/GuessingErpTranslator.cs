using System.Globalization;
using System.Text;
using Shop.Externals.LegacyErp;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The anti-corruption layer without its refusal, for the legacy-erp drill's failing half: a handler on the shop's ERP
/// client that "repairs" every stock line before the translator reads it, as a lenient parser would — digits picked out
/// of a quantity, an unknown pack code read as single units, a point or a thousands separator taken as a comma, a cut
/// line padded with today. The garbage then reads as clean counts and reaches the shelf. Registered by the test's
/// services action, never by a production switch.
/// </summary>
internal sealed class GuessingErpTranslator : DelegatingHandler
{
    private static readonly string[] KnownPacks = ["EA", "PK6", "PK12", "BX24"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return response;
        }

        var export = await response.Content.ReadAsStringAsync(cancellationToken);
        var lines = export.Split('\n').Select(l => l.StartsWith("STK1", StringComparison.Ordinal) ? Guess(l.TrimEnd('\r')) : l);
        response.Content = new StringContent(string.Join('\n', lines), Encoding.ASCII, "text/plain");
        return response;
    }

    private static string Guess(string line)
    {
        var material = Digits(Field(line, 4, 18));
        if (material.Length == 0)
        {
            return line;
        }

        var pack = Field(line, 26, 4).Trim();
        var packs = Digits(Field(line, 30, 9));
        var price = Field(line, 39, 14).Trim().Replace(".", "", StringComparison.Ordinal);
        var cents = Digits(price);
        var date = DateOnly.TryParseExact(Field(line, 56, 10), "yyyy.MM.dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : new DateOnly(2026, 1, 1);
        return LegacyErpExport.Record(
            long.Parse(material, CultureInfo.InvariantCulture),
            Field(line, 22, 4),
            KnownPacks.Contains(pack) ? pack : "EA",
            packs.Length == 0 ? 0 : int.Parse(packs, CultureInfo.InvariantCulture),
            price.Contains(',', StringComparison.Ordinal) ? price : LegacyErpExport.Price(cents.Length == 0 ? 0 : long.Parse(cents, CultureInfo.InvariantCulture)),
            "EUR",
            date);
    }

    private static string Field(string line, int start, int length) =>
        line.Length <= start ? "" : line.Substring(start, Math.Min(length, line.Length - start));

    private static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));
}
