using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bulwark.DataProducts.Tests.Catalog;

public sealed class DataProductCatalogTests
{
    [Fact]
    public async Task AgeGauge_MovesWithTheClockAndFallsBackToZeroOnTheNextBuild()
    {
        await using var rig = await DataProductRig.StartAsync();
        using var age = new MetricCollector<double>(rig.MeterFactory, DataProductCatalog.MeterName, "bulwark.data_product.age");

        age.RecordObservableInstruments();
        Assert.Empty(age.GetMeasurementSnapshot());

        await rig.BuildAsync();
        rig.Time.Advance(TimeSpan.FromSeconds(90));
        age.RecordObservableInstruments();
        var ninety = age.LastMeasurement!;
        Assert.Equal(90, ninety.Value);
        Assert.Equal(SalesProduct.Id, ninety.Tags["product"]);

        rig.Time.Advance(TimeSpan.FromMinutes(40));
        Assert.False(rig.Catalog.Find(SalesProduct.Id)!.Fresh);

        await rig.BuildAsync();
        rig.Time.Advance(TimeSpan.FromSeconds(5));
        age.RecordObservableInstruments();
        Assert.Equal(5, age.LastMeasurement!.Value);
        Assert.True(rig.Catalog.Find(SalesProduct.Id)!.Fresh);
    }

    [Fact]
    public async Task List_NamesOwnerContractVersionsAndFreshnessAgainstTheSlo()
    {
        await using var rig = await DataProductRig.StartAsync();
        await rig.BuildAsync();
        rig.Time.Advance(TimeSpan.FromMinutes(10));
        await rig.BuildAsync();
        rig.Time.Advance(TimeSpan.FromMinutes(29));

        var entry = Assert.Single(rig.Catalog.List());

        Assert.Equal("sales", entry.Contract.Owner);
        Assert.Equal("1.0.0", entry.Contract.Version);
        Assert.Equal([1L, 2L], entry.Versions.Select(v => v.Version));
        Assert.Equal(TimeSpan.FromMinutes(29), entry.Age);
        Assert.True(entry.Fresh);
    }
}
