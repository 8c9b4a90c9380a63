namespace Bulwark.DataProducts.Tests.Contracts;

public sealed class ContractCompatibilityTests
{
    private static readonly DataContract Published = SalesProduct.Declared("1.2.0");

    private static DataContract Next(string version, Func<List<ContractField>, List<ContractField>> change) =>
        Published with { Version = version, Fields = change([.. Published.Fields]) };

    public static TheoryData<string, string> BreakingChanges => new()
    {
        { "removed", "Field 'amount_cents' was removed or renamed" },
        { "renamed", "Field 'amount_cents' was removed or renamed" },
        { "retyped", "Field 'amount_cents' changed type from WholeNumber to Text" },
        { "optional", "Field 'sale_id' may now be missing" },
        { "unpseudonymised", "Field 'customer' changed type from Text to WholeNumber" },
    };

    private static List<ContractField> Apply(string change, List<ContractField> fields)
    {
        var amount = fields.FindIndex(f => f.Name == "amount_cents");
        switch (change)
        {
            case "removed":
                fields.RemoveAt(amount);
                break;
            case "renamed":
                fields[amount] = fields[amount] with { Name = "amount_minor_units" };
                break;
            case "retyped":
                fields[amount] = fields[amount] with { Type = FieldType.Text };
                break;
            case "optional":
                fields[0] = fields[0] with { Required = false };
                break;
            case "unpseudonymised":
                // The source became a number and is published in clear: readers joining on the pseudonym break.
                fields[1] = fields[1] with { Type = FieldType.WholeNumber, Classification = FieldClassification.Internal };
                break;
        }

        return fields;
    }

    [Theory]
    [MemberData(nameof(BreakingChanges))]
    public void Check_BreakingChangeWithoutANewMajor_IsReportedNamingTheField(string change, string expected)
    {
        var problems = ContractCompatibility.Check(Published, Next("1.3.0", f => Apply(change, f)));

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal) && p.Contains("2.0.0", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BreakingChanges))]
    public void Check_BreakingChangeWithANewMajor_Passes(string change, string expected)
    {
        _ = expected;
        Assert.Empty(ContractCompatibility.Check(Published, Next("2.0.0", f => Apply(change, f))));
    }

    [Fact]
    public void Check_AddedFieldWithANewMinor_Passes()
    {
        var next = Next("1.3.0", f => [.. f, new ContractField("channel", FieldType.Text, FieldClassification.Internal, "Web or app.", Required: false)]);

        Assert.Empty(ContractCompatibility.Check(Published, next));
    }

    [Fact]
    public void Check_AddedFieldUnderTheSameVersion_AsksForANewMinor()
    {
        var next = Next("1.2.0", f => [.. f, new ContractField("channel", FieldType.Text, FieldClassification.Internal, "Web or app.")]);

        Assert.Equal(["Field 'channel' was added (additive: publish it as version 1.3.0)"], ContractCompatibility.Check(Published, next));
    }

    [Fact]
    public void Check_SameContract_Passes() => Assert.Empty(ContractCompatibility.Check(Published, Published));

    [Fact]
    public void Check_OlderVersion_IsReported() =>
        Assert.Contains(ContractCompatibility.Check(Published, Published with { Version = "1.1.0" }), p => p.Contains("older", StringComparison.Ordinal));

    [Fact]
    public void Json_WriteThenRead_GivesTheSameContractInTheOdcsShape()
    {
        var json = DataContractJson.Write(Published);

        Assert.Equal(Published, DataContractJson.Read(json), Building.ContractComparer.Instance);
        Assert.Contains("\"apiVersion\": \"v3.0.2\"", json, StringComparison.Ordinal);
        Assert.Contains("\"classification\": \"personal\"", json, StringComparison.Ordinal);
        Assert.Contains("\"property\": \"latency\"", json, StringComparison.Ordinal);
    }
}
