using Shop.Externals.LegacyErp;
using Shop.Inventory.LegacyErp;
using Shop.Inventory.StockSync;

namespace Shop.Inventory.Tests.StockSync;

/// <summary>The translator alone: the ERP's fixed-width export in, the inventory's counts (or reasons) out.</summary>
public sealed class LegacyErpStockTranslatorTests
{
    private const string Header = "HDR00000000420001" + "2026.12.06";
    private static readonly DateOnly Day = new(2026, 12, 6);

    [Fact]
    public void Translate_CleanRecord_UnitsAndUnitCostInTheShopsTerms()
    {
        var export = Header + "\n" + LegacyErpExport.Record(42, "0001", "PK6", 5, "10,00", "EUR", Day) + "\n";

        var batch = LegacyErpStockTranslator.Translate(export, "0001");

        Assert.Equal("erp-0000000042", batch.Id);
        Assert.Empty(batch.Rejected);
        // 5 packs of 6 are 30 units; 10,00 a pack is 166.67 cents a unit, rounded half away from zero.
        Assert.Equal(new StockCount(42, 30, 167, "EUR", Day), Assert.Single(batch.Counts));
    }

    [Theory]
    [InlineData(7, "EA", 3, "12,3", 3, 1230)]
    [InlineData(8, "BX24", 1, "1234,56", 24, 5144)]
    public void Translate_OneDecimalOrLargePrice_ReadsTheCommaDecimal(int product, string pack, int packs, string price, int units, long unitCost)
    {
        var batch = LegacyErpStockTranslator.Translate(Header + "\n" + LegacyErpExport.Record(product, "0001", pack, packs, price, "EUR", Day), "0001");

        var count = Assert.Single(batch.Counts);
        Assert.Equal((product, units, unitCost), (count.ProductId, count.Units, count.UnitCostCents));
    }

    [Theory]
    [InlineData("12.30", "EA", 1, "2026.12.06", "0001", "comma-decimal")]
    [InlineData("1,234", "EA", 1, "2026.12.06", "0001", "comma-decimal")]
    [InlineData("-1,00", "EA", 1, "2026.12.06", "0001", "comma-decimal")]
    [InlineData("1,00", "CS10", 1, "2026.12.06", "0001", "unknown pack code 'CS10'")]
    [InlineData("1,00", "EA", 1, "06.12.2026", "0001", "yyyy.MM.dd")]
    [InlineData("1,00", "EA", 1, "2026.12.06", "0002", "plant '0002'")]
    public void Translate_MalformedField_RejectsTheWholeLineWithTheReason(string price, string pack, int packs, string date, string plant, string reason)
    {
        var record = LegacyErpExport.Record(9, plant, pack, packs, price, "EUR", Day)[..56] + date;
        var good = LegacyErpExport.Record(10, "0001", "EA", 4, "2,50", "EUR", Day);

        var batch = LegacyErpStockTranslator.Translate($"{Header}\n{good}\n{record}\n", "0001");

        var rejected = Assert.Single(batch.Rejected);
        Assert.Equal((3, record), (rejected.LineNumber, rejected.Raw));
        Assert.Contains(reason, rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(10, Assert.Single(batch.Counts).ProductId);
    }

    [Theory]
    [InlineData("STK1 short")]
    [InlineData("XXXX000000000000000009000" + "1EA  000000001          1,00EUR2026.12.06")]
    [InlineData("STK1ABCDEFGHIJKLMNOPQR0001EA  000000001          1,00EUR2026.12.06")]
    [InlineData("STK10000000000000000090001EA  00000000x          1,00EUR2026.12.06")]
    public void Translate_BrokenRecord_Rejected(string record)
    {
        var batch = LegacyErpStockTranslator.Translate($"{Header}\n{record}\n", "0001");

        Assert.Empty(batch.Counts);
        Assert.Equal(record, Assert.Single(batch.Rejected).Raw);
    }

    [Fact]
    public void Translate_UnreadableHeader_SetsEveryLineAside()
    {
        var export = "H?R garbage\n" + LegacyErpExport.Record(1, "0001", "EA", 1, "1,00", "EUR", Day) + "\n";

        var batch = LegacyErpStockTranslator.Translate(export, "0001");

        Assert.Empty(batch.Counts);
        Assert.Equal(2, batch.Rejected.Count);
        Assert.StartsWith("unreadable-", batch.Id, StringComparison.Ordinal);
    }
}
