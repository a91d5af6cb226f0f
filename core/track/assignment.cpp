#include "core/track/assignment.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>

#include "core/base/error.h"

namespace autofocus {

Assignment SolveAssignment(const std::vector<double>& cost, int rows, int cols) {
  if (rows < 0 || cols < 0 || cost.size() != static_cast<size_t>(rows) * static_cast<size_t>(cols)) {
    throw Error("", "cost matrix",
                "size " + std::to_string(cost.size()) + " does not match " + std::to_string(rows) +
                    " x " + std::to_string(cols));
  }
  Assignment result;
  result.row_to_col.assign(static_cast<size_t>(rows), -1);
  result.col_to_row.assign(static_cast<size_t>(cols), -1);
  if (rows == 0 || cols == 0) return result;

  // The algorithm below needs n <= m; solve the transpose when there are more rows.
  const bool transposed = rows > cols;
  const int n = transposed ? cols : rows;
  const int m = transposed ? rows : cols;
  auto at = [&](int i, int j) {  // 0-based entry of the n x m problem
    return transposed ? cost[static_cast<size_t>(j) * cols + i] : cost[static_cast<size_t>(i) * cols + j];
  };

  double min_finite = std::numeric_limits<double>::infinity();
  double max_finite = -std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < cost.size(); ++k) {
    const double c = cost[k];
    if (std::isnan(c) || c == -std::numeric_limits<double>::infinity()) {
      throw Error("", "cost matrix[" + std::to_string(k / cols) + "][" + std::to_string(k % cols) + "]",
                  "cost must be finite or kForbiddenCost");
    }
    if (c != kForbiddenCost) {
      min_finite = std::min(min_finite, c);
      max_finite = std::max(max_finite, c);
    }
  }
  if (min_finite > max_finite) return result;  // every pair is forbidden
  // Forbidden pairs get a cost larger than any difference the allowed pairs of a full
  // assignment can make: using one forbidden pair fewer then always lowers the total, so the
  // optimum first maximises the number of allowed pairs and then minimises their cost. The
  // forbidden pairs it still needs to complete the assignment are dropped afterwards.
  const double big = 1.0 + static_cast<double>(n + 1) * (std::fabs(max_finite) + std::fabs(min_finite));
  auto a = [&](int i, int j) {
    const double c = at(i, j);
    return c == kForbiddenCost ? big : c;
  };

  // Shortest augmenting path Hungarian algorithm with row/column potentials u, v (1-based, with a
  // virtual column 0 as the path root). p[j] = row matched to column j.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<size_t>(n) + 1, 0.0), v(static_cast<size_t>(m) + 1, 0.0);
  std::vector<int> p(static_cast<size_t>(m) + 1, 0), way(static_cast<size_t>(m) + 1, 0);
  std::vector<double> minv(static_cast<size_t>(m) + 1);
  std::vector<char> used(static_cast<size_t>(m) + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::fill(minv.begin(), minv.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      const int i0 = p[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = a(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }

  for (int j = 1; j <= m; ++j) {
    const int i = p[j];
    if (i == 0) continue;
    const double c = at(i - 1, j - 1);
    if (c == kForbiddenCost) continue;
    const int r = transposed ? j - 1 : i - 1;
    const int col = transposed ? i - 1 : j - 1;
    result.row_to_col[r] = col;
    result.col_to_row[col] = r;
    result.cost += c;
    ++result.matched;
  }
  return result;
}

}  // namespace autofocus

namespace autofocus {
namespace {

int FindRoot(std::vector<int>& parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

}  // namespace

Assignment SolveSparseAssignment(int rows, int cols, const std::vector<SparseEdge>& edges,
                                 double unlisted_cost) {
  if (rows < 0 || cols < 0) throw Error("", "cost matrix", "negative size");
  Assignment result;
  result.row_to_col.assign(static_cast<size_t>(rows), -1);
  result.col_to_row.assign(static_cast<size_t>(cols), -1);
  // Union-find over rows (0..rows-1) and columns (rows..): components are independent problems.
  std::vector<int> parent(static_cast<size_t>(rows) + static_cast<size_t>(cols));
  std::iota(parent.begin(), parent.end(), 0);
  for (const SparseEdge& e : edges) {
    if (e.row < 0 || e.row >= rows || e.col < 0 || e.col >= cols) {
      throw Error("", "sparse edge (" + std::to_string(e.row) + ", " + std::to_string(e.col) + ")",
                  "index out of range");
    }
    const int x = FindRoot(parent, e.row), y = FindRoot(parent, rows + e.col);
    if (x != y) parent[std::max(x, y)] = std::min(x, y);
  }
  // Components in order of their first edge, members in order of first mention: deterministic
  // for a given edge list.
  std::unordered_map<int, std::vector<const SparseEdge*>> components;
  std::vector<int> roots;
  for (const SparseEdge& e : edges) {
    auto& list = components[FindRoot(parent, e.row)];
    if (list.empty()) roots.push_back(FindRoot(parent, e.row));
    list.push_back(&e);
  }
  std::vector<int> local_row(static_cast<size_t>(rows), -1), local_col(static_cast<size_t>(cols), -1);
  for (int root : roots) {
    const auto& list = components[root];
    std::vector<int> rs, cs;
    for (const SparseEdge* e : list) {
      if (local_row[e->row] < 0) {
        local_row[e->row] = static_cast<int>(rs.size());
        rs.push_back(e->row);
      }
      if (local_col[e->col] < 0) {
        local_col[e->col] = static_cast<int>(cs.size());
        cs.push_back(e->col);
      }
    }
    const int nr = static_cast<int>(rs.size()), nc = static_cast<int>(cs.size());
    std::vector<double> cost(static_cast<size_t>(nr) * nc, unlisted_cost);
    std::vector<char> listed(cost.size(), 0);
    for (const SparseEdge* e : list) {
      const size_t k = static_cast<size_t>(local_row[e->row]) * nc + local_col[e->col];
      if (listed[k]) {
        throw Error("", "sparse edge (" + std::to_string(e->row) + ", " + std::to_string(e->col) + ")",
                    "listed twice");
      }
      listed[k] = 1;
      cost[k] = e->cost;
    }
    const Assignment local = SolveAssignment(cost, nr, nc);
    for (int r = 0; r < nr; ++r) {
      const int c = local.row_to_col[r];
      if (c < 0 || !listed[static_cast<size_t>(r) * nc + c]) continue;
      result.row_to_col[rs[r]] = cs[c];
      result.col_to_row[cs[c]] = rs[r];
      result.cost += cost[static_cast<size_t>(r) * nc + c];
      ++result.matched;
    }
  }
  return result;
}

}  // namespace autofocus
