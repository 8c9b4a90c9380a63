using Bulwark.Drills.Model;

namespace Bulwark.Drills.DataMesh;

/// <summary>A version of the product as the drill built and downloaded it.</summary>
/// <param name="Version">The version number the build answered.</param>
/// <param name="Rows">The rows its file holds.</param>
/// <param name="BuildLatency">From the build request to its answer (built and published).</param>
public sealed record BuiltVersion(long Version, long Rows, TimeSpan BuildLatency);

/// <summary>What the Data Mesh drill observed.</summary>
/// <param name="Product">The product built.</param>
/// <param name="OrdersPerCustomer">Orders each customer placed.</param>
/// <param name="Before">The version built before the erasure.</param>
/// <param name="After">The version built after it.</param>
/// <param name="ARowsBefore">Customer A's orders found in the first version (by order id).</param>
/// <param name="BRowsBefore">Customer B's orders found in the first version.</param>
/// <param name="APseudonyms">The distinct customer values on A's rows in the first version.</param>
/// <param name="BPseudonyms">The distinct customer values on B's rows in the first version.</param>
/// <param name="RawValuesFound">Each raw personal value (a customer's id or e-mail) found in a downloaded file, named.</param>
/// <param name="ForgetStatus">The erasure's status code.</param>
/// <param name="ForgetAgainStatus">A second erasure of the same customer.</param>
/// <param name="ForgetAgainSaidAlready">Whether the second answer said the customer was already forgotten.</param>
/// <param name="ForgetUnknownStatus">An erasure of a customer that does not exist.</param>
/// <param name="ForgetUnknownIsProblem">Whether that answer was problem details.</param>
/// <param name="ARowsAfter">Rows of the second version that are A's (by order id or by A's pseudonym).</param>
/// <param name="BRowsAfter">B's orders in the second version under B's pseudonym.</param>
/// <param name="LatestListed">The newest version the catalogue lists after the second build; null when it lists none.</param>
/// <param name="LatestIsFirstFile">Whether the newest listed version's file is byte for byte the first version's.</param>
/// <param name="Age">The product's age the catalogue reported after the second build; null when it reported none.</param>
/// <param name="Slo">The product's freshness SLO from the catalogue.</param>
/// <param name="ContractMismatches">Each difference between the second version's contract and its file's schema.</param>
public sealed record DataMeshMeasurements(
    string Product,
    int OrdersPerCustomer,
    BuiltVersion Before,
    BuiltVersion After,
    int ARowsBefore,
    int BRowsBefore,
    IReadOnlyList<string> APseudonyms,
    IReadOnlyList<string> BPseudonyms,
    IReadOnlyList<string> RawValuesFound,
    int ForgetStatus,
    int ForgetAgainStatus,
    bool ForgetAgainSaidAlready,
    int ForgetUnknownStatus,
    bool ForgetUnknownIsProblem,
    int ARowsAfter,
    int BRowsAfter,
    long? LatestListed,
    bool LatestIsFirstFile,
    TimeSpan? Age,
    TimeSpan Slo,
    IReadOnlyList<string> ContractMismatches);

/// <summary>The Data Mesh drill's verdict rules, pure so they can be tested without a shop.</summary>
public static class DataMeshJudge
{
    /// <summary>
    /// Passed when both customers' orders were in the first version under one pseudonym each (not their ids), no raw
    /// personal value was in either file, the erasure answered 2xx (a second one too, saying so; an unknown customer
    /// 404 as problem details), the second version lacks A and keeps B, the catalogue serves the second version as the
    /// newest, the product is within its freshness SLO, its contract matches its file, and each build took at most
    /// <see cref="DataMeshOptions.BuildWithin"/>; failed naming each that did not hold.
    /// </summary>
    public static DrillVerdict Judge(DataMeshMeasurements measured, DataMeshOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var expected = measured.OrdersPerCustomer;
        var failures = new List<string>();
        var findings = new List<string>();
        var p = measured.Product;

        if (measured.ARowsBefore < expected || measured.BRowsBefore < expected)
        {
            failures.Add($"Version {measured.Before.Version} of '{p}' holds {measured.ARowsBefore} of customer A's and {measured.BRowsBefore} of customer B's {expected} orders each: the product is not built from the orders the shop accepted.");
        }

        if (measured.APseudonyms.Count > 1 || measured.BPseudonyms.Count > 1)
        {
            failures.Add($"One customer shows under several values in version {measured.Before.Version} (A: {measured.APseudonyms.Count}, B: {measured.BPseudonyms.Count}): a pseudonym must be stable, or consumers cannot join a customer's rows.");
        }
        else if (measured.APseudonyms.Count == 1 && measured.BPseudonyms.Count == 1 && measured.APseudonyms[0] == measured.BPseudonyms[0])
        {
            failures.Add($"Customers A and B share one pseudonym in version {measured.Before.Version}: their rows cannot be told apart, nor A's left out alone.");
        }

        if (measured.RawValuesFound.Count > 0)
        {
            failures.Add($"Raw personal values are in the published files: {string.Join("; ", measured.RawValuesFound.Take(4))}. A personal field must be pseudonymised or left out, as its contract classifies it.");
            findings.Add("Classify every field in the contract; publish a personal one only as a keyed pseudonym (docs/data-products.md).");
        }

        if (measured.ForgetStatus is < 200 or > 299)
        {
            failures.Add($"Forgetting customer A answered {measured.ForgetStatus}: the operator has no working erasure ({options.ForgetPath}).");
        }

        if (measured.ForgetAgainStatus is < 200 or > 299 || !measured.ForgetAgainSaidAlready)
        {
            failures.Add($"Forgetting customer A a second time answered {measured.ForgetAgainStatus}{(measured.ForgetAgainSaidAlready ? "" : " without saying they were already forgotten")}: an erasure must be idempotent, so a retried request is safe.");
        }

        if (measured.ForgetUnknownStatus != 404 || !measured.ForgetUnknownIsProblem)
        {
            failures.Add($"Forgetting a customer who does not exist answered {measured.ForgetUnknownStatus}{(measured.ForgetUnknownIsProblem ? "" : " without problem details")}, not a 404 problem.");
        }

        if (measured.ARowsAfter > 0)
        {
            failures.Add($"Customer A was forgotten (key shredded), yet version {measured.After.Version} of '{p}' still holds {measured.ARowsAfter} of their rows: the builder does not leave forgotten subjects out, so an erasure never reaches the data products.");
            findings.Add("Check each row's subject against the forgotten-subjects ledger (IForgottenSubjects, the key store's tombstone) when building a version.");
        }

        if (measured.BRowsAfter < expected)
        {
            failures.Add($"Version {measured.After.Version} holds {measured.BRowsAfter} of customer B's {expected} orders under B's pseudonym: forgetting A took or changed someone else's rows.");
        }

        if (measured.LatestListed != measured.After.Version || measured.LatestIsFirstFile)
        {
            failures.Add(measured.LatestIsFirstFile
                ? $"The newest version the catalogue serves is the file built before the erasure: consumers still read customer A."
                : $"After building version {measured.After.Version} the catalogue's newest version is {measured.LatestListed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}.");
        }

        if (measured.Age is null)
        {
            failures.Add($"The catalogue reports no age for '{p}' after a build: its freshness cannot be checked against the SLO.");
        }
        else if (measured.Age > measured.Slo)
        {
            failures.Add($"'{p}' is {measured.Age.Value.TotalSeconds:F0} s old right after a build, over its {measured.Slo.TotalSeconds:F0} s freshness SLO.");
        }

        if (measured.ContractMismatches.Count > 0)
        {
            failures.Add($"The contract published with version {measured.After.Version} does not match its file: {string.Join("; ", measured.ContractMismatches.Take(4))}.");
        }

        var slowest = measured.Before.BuildLatency > measured.After.BuildLatency ? measured.Before.BuildLatency : measured.After.BuildLatency;
        if (slowest > options.BuildWithin)
        {
            failures.Add($"A build took {slowest.TotalMilliseconds:F0} ms, over the {options.BuildWithin.TotalMilliseconds:F0} ms allowed.");
        }

        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("version before the erasure", measured.Before.Version, "version"),
            DrillFigure.Info("version after the erasure", measured.After.Version, "version"),
            DrillFigure.Info("rows before", measured.Before.Rows, "rows"),
            DrillFigure.Info("rows after", measured.After.Rows, "rows"),
            DrillFigure.AtMost("forgotten customer's rows after", measured.ARowsAfter, "rows", 0),
            DrillFigure.AtLeast("other customer's rows after", measured.BRowsAfter, "rows", expected),
            DrillFigure.AtMost("raw personal values in the files", measured.RawValuesFound.Count, "values", 0),
            DrillFigure.AtMost("build latency before", measured.Before.BuildLatency.TotalMilliseconds, "ms", options.BuildWithin.TotalMilliseconds),
            DrillFigure.AtMost("build latency after", measured.After.BuildLatency.TotalMilliseconds, "ms", options.BuildWithin.TotalMilliseconds),
            measured.Age is { } a
                ? DrillFigure.AtMost("age after the build", a.TotalSeconds, "s", measured.Slo.TotalSeconds)
                : new DrillFigure("age after the build", -1, "s", $"<= {measured.Slo.TotalSeconds:0} (-1: none)", false),
            DrillFigure.AtMost("contract/schema mismatches", measured.ContractMismatches.Count, "fields", 0),
        };

        return DrillVerdict.FromChecks(
            $"'{p}' v{measured.Before.Version} → v{measured.After.Version}: customer A forgotten ({measured.ARowsBefore} rows → 0), B kept ({measured.BRowsAfter} rows, one pseudonym), no raw personal value, builds {measured.Before.BuildLatency.TotalMilliseconds:F0}/{measured.After.BuildLatency.TotalMilliseconds:F0} ms, age {measured.Age?.TotalSeconds:F0} s of a {measured.Slo.TotalSeconds:F0} s SLO, contract matches the file.",
            failures,
            figures,
            findings);
    }
}
