using System.Globalization;

namespace Bulwark.DataProducts;

/// <summary>
/// What a data product promises its readers (Codex 33): who owns it, its schema with each field's classification, and
/// how fresh it is kept. Written beside every version as <c>contract.json</c> in the Open Data Contract Standard's
/// shape (<see cref="DataContractJson"/>). See <c>docs/data-products.md</c>.
/// </summary>
public sealed record DataContract
{
    /// <summary>The product's stable id, also its folder name (lower case, e.g. <c>orders</c>).</summary>
    public required string Id { get; init; }

    /// <summary>A human name.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The contract's semantic version <c>major.minor.patch</c>: a breaking schema change (a field removed, renamed or
    /// retyped) needs a new major, an added field a new minor (<see cref="ContractCompatibility"/>).
    /// </summary>
    public required string Version { get; init; }

    /// <summary>The owning team (the module that produces the data).</summary>
    public required string Owner { get; init; }

    /// <summary>The business domain the product belongs to.</summary>
    public required string Domain { get; init; }

    /// <summary>What the dataset holds and what it is for.</summary>
    public required string Description { get; init; }

    /// <summary>The freshness SLO: the newest version is never older than this.</summary>
    public required TimeSpan Freshness { get; init; }

    /// <summary>The fields, in file order.</summary>
    public required IReadOnlyList<ContractField> Fields { get; init; }

    /// <summary>The major part of <see cref="Version"/>; versions of different majors live in different folders.</summary>
    public int MajorVersion => ParseVersion(Version).Major;

    /// <summary>The fields the Parquet file holds (personal fields marked <see cref="PersonalHandling.Omit"/> are left out).</summary>
    public IEnumerable<ContractField> PublishedFields => Fields.Where(f => f.IsPublished);

    /// <summary>Parses <c>major.minor.patch</c>.</summary>
    /// <param name="version">The version text.</param>
    /// <returns>The three numbers.</returns>
    /// <exception cref="FormatException">The text is not <c>major.minor.patch</c>.</exception>
    public static (int Major, int Minor, int Patch) ParseVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var parts = version.Split('.');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var patch))
        {
            throw new FormatException($"Contract version '{version}' is not major.minor.patch (e.g. 1.2.0).");
        }

        return (major, minor, patch);
    }
}

/// <summary>One field of a data product.</summary>
/// <param name="Name">The column name (snake_case).</param>
/// <param name="Type">Its logical type.</param>
/// <param name="Classification">Who may see it; <see cref="FieldClassification.Personal"/> is never published in clear.</param>
/// <param name="Description">What it means.</param>
/// <param name="Required">Whether every row has a value.</param>
/// <param name="Personal">For a personal field: pseudonymised (keyed HMAC) or left out of the file.</param>
public sealed record ContractField(
    string Name,
    FieldType Type,
    FieldClassification Classification,
    string Description,
    bool Required = true,
    PersonalHandling Personal = PersonalHandling.Pseudonymise)
{
    /// <summary>Whether the field is written to the file.</summary>
    public bool IsPublished => Classification != FieldClassification.Personal || Personal == PersonalHandling.Pseudonymise;

    /// <summary>Whether the file holds a pseudonym, not the value.</summary>
    public bool IsPseudonymised => Classification == FieldClassification.Personal && Personal == PersonalHandling.Pseudonymise;

    /// <summary>The type as written: a pseudonym is always a string, whatever the value's type.</summary>
    public FieldType PublishedType => IsPseudonymised ? FieldType.Text : Type;
}

/// <summary>A field's logical type (and its Parquet column type).</summary>
public enum FieldType
{
    /// <summary>UTF-8 text (ODCS <c>string</c>).</summary>
    Text,

    /// <summary>A 64-bit integer (ODCS <c>integer</c>; amounts are integer cents).</summary>
    WholeNumber,

    /// <summary>True or false.</summary>
    Boolean,

    /// <summary>A UTC instant (Parquet timestamp).</summary>
    Timestamp,
}

/// <summary>Who may see a field (the contract's classification).</summary>
public enum FieldClassification
{
    /// <summary>Anyone may see it (a product name, a price).</summary>
    Public,

    /// <summary>The company's own staff and systems (an order total, a status).</summary>
    Internal,

    /// <summary>Identifies a person: pseudonymised or left out, and gone from the next version once the person is forgotten.</summary>
    Personal,
}

/// <summary>What a data product does with a personal field.</summary>
public enum PersonalHandling
{
    /// <summary>Written as a keyed HMAC of the value: joinable within the company's data, not reversible without the key.</summary>
    Pseudonymise,

    /// <summary>Not written at all.</summary>
    Omit,
}
