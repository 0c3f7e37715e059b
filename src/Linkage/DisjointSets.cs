namespace MarketStats.Linkage;

/// <summary>Union-find with path halving and union by size.</summary>
internal sealed class DisjointSets
{
    private readonly int[] parent;
    private readonly int[] size;

    public DisjointSets(int count)
    {
        parent = new int[count];
        size = new int[count];
        for (var i = 0; i < count; i++) { parent[i] = i; size[i] = 1; }
    }

    public int Find(int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    public int Size(int root) => size[root];

    public void Union(int a, int b)
    {
        var (ra, rb) = (Find(a), Find(b));
        if (ra == rb) return;
        if (size[ra] < size[rb]) (ra, rb) = (rb, ra);
        parent[rb] = ra;
        size[ra] += size[rb];
    }
}
