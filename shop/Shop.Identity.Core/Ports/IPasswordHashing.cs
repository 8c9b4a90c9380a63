namespace Shop.Identity.Ports;

/// <summary>Turns a password into a stored hash and checks one against it (owned by the core, implemented by an adapter).</summary>
public interface IPasswordHashing
{
    /// <summary>A salted, slow hash of <paramref name="password"/>, safe to store.</summary>
    string Hash(string password);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>.</summary>
    bool Verify(string hash, string password);
}
