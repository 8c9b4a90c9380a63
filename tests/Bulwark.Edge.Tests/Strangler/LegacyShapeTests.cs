using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Edge.Strangler;

namespace Bulwark.Edge.Tests.Strangler;

public sealed class LegacyShapeTests
{
    [Theory]
    [InlineData("priceCents", "price_cents")]
    [InlineData("id", "id")]
    [InlineData("price_cents", "price_cents")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("orderId2Line", "order_id2_line")]
    [InlineData("total-rows", "total_rows")]
    [InlineData("PageSize", "page_size")]
    public void ToSnakeCase_SpellsLegacyNames(string name, string expected) => Assert.Equal(expected, LegacyShape.ToSnakeCase(name));

    [Fact]
    public void Apply_RenamesOmitsAndSnakeCasesAtEveryDepth_AndKeepsValues()
    {
        var shape = new LegacyShapeOptions
        {
            Rename = new(StringComparer.OrdinalIgnoreCase) { ["items"] = "rows", ["total_items"] = "total_rows" },
            Omit = ["pageSize", "total-pages", "version"],
        };
        var json = """{"items":[{"id":1,"priceCents":1250,"version":3,"tags":[{"displayName":"A"}]}],"page":1,"pageSize":20,"totalItems":1,"totalPages":1}"""u8;

        var reshaped = JsonNode.Parse(LegacyShape.Apply(json, shape))!;

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"rows":[{"id":1,"price_cents":1250,"tags":[{"display_name":"A"}]}],"page":1,"total_rows":1}"""),
            reshaped), reshaped.ToJsonString());
    }

    [Fact]
    public void Apply_AsIs_OnlyRenamesAndOmits()
    {
        var shape = new LegacyShapeOptions { Naming = LegacyNaming.AsIs, Rename = new() { ["priceCents"] = "Price" }, Omit = ["version"] };

        var reshaped = Encoding.UTF8.GetString(LegacyShape.Apply("""{"priceCents":5,"displayName":"x","version":1}"""u8, shape)!);

        Assert.Equal("""{"Price":5,"displayName":"x"}""", reshaped);
    }

    [Fact]
    public void Apply_NotJson_IsLeftAlone() => Assert.Null(LegacyShape.Apply("<html>nope</html>"u8, new LegacyShapeOptions()));

    [Fact]
    public void Validate_NamesWhatToFix()
    {
        var errors = LegacyShape.Validate(new LegacyShapeOptions { Rename = new() { ["items"] = " " }, Omit = [""], MaxBodyBytes = 10 });

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("Rename", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Omit", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxBodyBytes", StringComparison.Ordinal));
    }
}
