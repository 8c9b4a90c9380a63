namespace Bulwark.DataProducts;

/// <summary>
/// Decides whether a contract may follow another (the consumer's side of Codex 33): a field removed, renamed, retyped,
/// made optional or no longer published breaks readers and needs a new major version; an added field needs at least a
/// new minor. Pure, so a producer's test can compare its declared contract with the committed snapshot.
/// </summary>
public static class ContractCompatibility
{
    /// <summary>Lists what is wrong with publishing <paramref name="next"/> after <paramref name="previous"/>; empty when it may.</summary>
    /// <param name="previous">The contract readers rely on (the committed snapshot).</param>
    /// <param name="next">The contract the producer declares now.</param>
    /// <returns>One line per problem, naming the field and the version needed.</returns>
    public static IReadOnlyList<string> Check(DataContract previous, DataContract next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        var (oldMajor, oldMinor, _) = DataContract.ParseVersion(previous.Version);
        var (newMajor, newMinor, _) = DataContract.ParseVersion(next.Version);
        var problems = new List<string>();
        if (!string.Equals(previous.Id, next.Id, StringComparison.Ordinal))
        {
            problems.Add($"The product id changed from '{previous.Id}' to '{next.Id}': that is a new product, not a version.");
            return problems;
        }

        if (newMajor < oldMajor || (newMajor == oldMajor && newMinor < oldMinor))
        {
            problems.Add($"Version {next.Version} is older than the published {previous.Version}.");
        }

        var breaking = BreakingChanges(previous, next);
        var added = next.PublishedFields.Select(f => f.Name).Except(previous.PublishedFields.Select(f => f.Name), StringComparer.Ordinal).ToArray();
        if (breaking.Count > 0 && newMajor == oldMajor)
        {
            problems.AddRange(breaking.Select(b => $"{b} (breaking: publish it as version {oldMajor + 1}.0.0)"));
        }
        else if (added.Length > 0 && newMajor == oldMajor && newMinor == oldMinor)
        {
            problems.AddRange(added.Select(a => $"Field '{a}' was added (additive: publish it as version {oldMajor}.{oldMinor + 1}.0)"));
        }

        return problems;
    }

    private static List<string> BreakingChanges(DataContract previous, DataContract next)
    {
        var nextFields = next.PublishedFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var changes = new List<string>();
        foreach (var old in previous.PublishedFields)
        {
            if (!nextFields.TryGetValue(old.Name, out var now))
            {
                changes.Add($"Field '{old.Name}' was removed or renamed");
            }
            else if (now.PublishedType != old.PublishedType)
            {
                changes.Add($"Field '{old.Name}' changed type from {old.PublishedType} to {now.PublishedType}");
            }
            else if (old.Required && !now.Required)
            {
                changes.Add($"Field '{old.Name}' may now be missing");
            }
            else if (old.IsPseudonymised != now.IsPseudonymised)
            {
                changes.Add($"Field '{old.Name}' changed between value and pseudonym");
            }
        }

        return changes;
    }
}
