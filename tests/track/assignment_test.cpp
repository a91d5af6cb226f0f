#include "core/track/assignment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "core/base/error.h"

namespace autofocus {
namespace {

constexpr double F = kForbiddenCost;

// Checks that `a` is a consistent matching of a rows x cols problem using only allowed pairs,
// with `cost` and `matched` equal to what its pairs add up to.
void ExpectConsistent(const Assignment& a, const std::vector<double>& cost, int rows, int cols) {
  ASSERT_EQ(a.row_to_col.size(), static_cast<size_t>(rows));
  ASSERT_EQ(a.col_to_row.size(), static_cast<size_t>(cols));
  double sum = 0;
  int n = 0;
  for (int r = 0; r < rows; ++r) {
    const int c = a.row_to_col[r];
    if (c < 0) continue;
    ASSERT_LT(c, cols);
    EXPECT_EQ(a.col_to_row[c], r);
    ASSERT_NE(cost[r * cols + c], F) << "forbidden pair (" << r << ", " << c << ") used";
    sum += cost[r * cols + c];
    ++n;
  }
  for (int c = 0; c < cols; ++c) {
    if (a.col_to_row[c] >= 0) EXPECT_EQ(a.row_to_col[a.col_to_row[c]], c);
  }
  EXPECT_EQ(a.matched, n);
  EXPECT_NEAR(a.cost, sum, 1e-9);
}

// Brute force over every injective map of the smaller side into the larger: the best
// (most allowed pairs, then least cost).
std::pair<int, double> BruteForce(const std::vector<double>& cost, int rows, int cols) {
  const bool tr = rows > cols;
  const int n = tr ? cols : rows, m = tr ? rows : cols;
  auto at = [&](int i, int j) { return tr ? cost[j * cols + i] : cost[i * cols + j]; };
  std::pair<int, double> best{-1, 0};
  std::vector<char> used(static_cast<size_t>(m), 0);
  std::function<void(int, int, double)> rec = [&](int i, int count, double sum) {
    if (i == n) {
      if (count > best.first || (count == best.first && sum < best.second)) best = {count, sum};
      return;
    }
    for (int j = 0; j < m; ++j) {
      if (used[j]) continue;
      used[j] = 1;
      const double c = at(i, j);
      if (c == F) {
        rec(i + 1, count, sum);
      } else {
        rec(i + 1, count + 1, sum + c);
      }
      used[j] = 0;
    }
  };
  rec(0, 0, 0.0);
  return best;
}

TEST(Assignment, KnownSquareOptimum) {
  const std::vector<double> cost = {4, 1, 3,  //
                                    2, 0, 5,  //
                                    3, 2, 2};
  const Assignment a = SolveAssignment(cost, 3, 3);
  EXPECT_EQ(a.row_to_col, (std::vector<int>{1, 0, 2}));
  EXPECT_EQ(a.col_to_row, (std::vector<int>{1, 0, 2}));
  EXPECT_DOUBLE_EQ(a.cost, 5.0);
  EXPECT_EQ(a.matched, 3);
}

TEST(Assignment, RectangularBothOrientations) {
  // 2 x 4: row 0 -> col 2 (1), row 1 -> col 0 (2); the naive row minima collide on col 2.
  const std::vector<double> wide = {9, 8, 1, 7,  //
                                    2, 9, 1.5, 9};
  const Assignment a = SolveAssignment(wide, 2, 4);
  EXPECT_EQ(a.row_to_col, (std::vector<int>{2, 0}));
  EXPECT_EQ(a.col_to_row, (std::vector<int>{1, -1, 0, -1}));
  EXPECT_DOUBLE_EQ(a.cost, 3.0);
  // The transpose has the same optimum.
  std::vector<double> tall(8);
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 4; ++c) tall[c * 2 + r] = wide[r * 4 + c];
  const Assignment b = SolveAssignment(tall, 4, 2);
  EXPECT_EQ(b.row_to_col, (std::vector<int>{1, -1, 0, -1}));
  EXPECT_EQ(b.col_to_row, (std::vector<int>{2, 0}));
  EXPECT_DOUBLE_EQ(b.cost, 3.0);
}

TEST(Assignment, ForbiddenPairsMaximiseMatchesFirst) {
  // Matching row 0 to col 0 alone costs 0, but two allowed pairs (0->1, 1->0) are preferred.
  const std::vector<double> cost = {0.0, 0.9,  //
                                    0.1, F};
  const Assignment a = SolveAssignment(cost, 2, 2);
  EXPECT_EQ(a.row_to_col, (std::vector<int>{1, 0}));
  EXPECT_EQ(a.matched, 2);
  EXPECT_DOUBLE_EQ(a.cost, 1.0);
}

TEST(Assignment, UnmatchableRowsStayUnassigned) {
  const std::vector<double> cost = {F, F, F,  //
                                    F, 0.5, F};
  const Assignment a = SolveAssignment(cost, 2, 3);
  EXPECT_EQ(a.row_to_col, (std::vector<int>{-1, 1}));
  EXPECT_EQ(a.matched, 1);
  EXPECT_DOUBLE_EQ(a.cost, 0.5);
  const Assignment none = SolveAssignment({F, F}, 1, 2);
  EXPECT_EQ(none.matched, 0);
  EXPECT_EQ(none.row_to_col, (std::vector<int>{-1}));
}

TEST(Assignment, EmptyMatrices) {
  EXPECT_EQ(SolveAssignment({}, 0, 0).matched, 0);
  const Assignment a = SolveAssignment({}, 3, 0);
  EXPECT_EQ(a.row_to_col, (std::vector<int>{-1, -1, -1}));
  EXPECT_TRUE(a.col_to_row.empty());
  EXPECT_EQ(SolveAssignment({}, 0, 2).col_to_row, (std::vector<int>{-1, -1}));
}

TEST(Assignment, RejectsBadInput) {
  EXPECT_THROW(SolveAssignment({1, 2, 3}, 2, 2), Error);
  EXPECT_THROW(SolveAssignment({1, std::nan("")}, 1, 2), Error);
  EXPECT_THROW(SolveAssignment({1, -kForbiddenCost}, 1, 2), Error);
}

TEST(Assignment, MatchesBruteForceOnRandomMatrices) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> size(1, 7);
  std::uniform_real_distribution<double> value(-1.0, 3.0);
  std::uniform_int_distribution<int> small(0, 3);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  for (int trial = 0; trial < 600; ++trial) {
    const int rows = size(rng), cols = size(rng);
    const int kind = trial % 3;  // 0: real values, 1: small integers (ties), 2: with forbidden
    std::vector<double> cost(static_cast<size_t>(rows * cols));
    for (double& c : cost) {
      c = kind == 1 ? small(rng) : value(rng);
      if (kind == 2 && coin(rng) < 0.4) c = F;
    }
    const Assignment a = SolveAssignment(cost, rows, cols);
    ExpectConsistent(a, cost, rows, cols);
    const auto [count, best] = BruteForce(cost, rows, cols);
    ASSERT_EQ(a.matched, count) << "trial " << trial << " " << rows << "x" << cols;
    ASSERT_NEAR(a.cost, best, 1e-9) << "trial " << trial << " " << rows << "x" << cols;
  }
}

TEST(SparseAssignment, MatchesDenseSolver) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> size(1, 12);
  std::uniform_real_distribution<double> value(0.0, 1.0);
  for (int trial = 0; trial < 300; ++trial) {
    const int rows = size(rng), cols = size(rng);
    std::vector<double> dense(static_cast<size_t>(rows * cols), F);
    std::vector<SparseEdge> edges;
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        if (value(rng) < 0.2) {
          const double v = value(rng);
          dense[r * cols + c] = v;
          edges.push_back({r, c, v});
        }
      }
    }
    const Assignment s = SolveSparseAssignment(rows, cols, edges);
    const Assignment d = SolveAssignment(dense, rows, cols);
    ExpectConsistent(s, dense, rows, cols);
    ASSERT_EQ(s.matched, d.matched) << "trial " << trial;
    ASSERT_NEAR(s.cost, d.cost, 1e-9) << "trial " << trial;
  }
}

TEST(SparseAssignment, UnlistedZeroGivesMaximumWeight) {
  // Weights: (0,0) 10, (0,1) 1, (1,0) 1. Maximum weight keeps only (0,0); the default semantics
  // (most pairs first) take the two weak pairs.
  const std::vector<SparseEdge> edges = {{0, 0, -10}, {0, 1, -1}, {1, 0, -1}};
  const Assignment w = SolveSparseAssignment(2, 2, edges, 0.0);
  EXPECT_EQ(w.row_to_col, (std::vector<int>{0, -1}));
  EXPECT_DOUBLE_EQ(w.cost, -10);
  EXPECT_EQ(w.matched, 1);
  const Assignment c = SolveSparseAssignment(2, 2, edges);
  EXPECT_EQ(c.row_to_col, (std::vector<int>{1, 0}));
  EXPECT_DOUBLE_EQ(c.cost, -2);
}

TEST(SparseAssignment, RejectsBadEdges) {
  EXPECT_THROW(SolveSparseAssignment(1, 1, {{0, 1, 0.5}}), Error);
  EXPECT_THROW(SolveSparseAssignment(1, 1, {{0, 0, 0.5}, {0, 0, 0.2}}), Error);
}

}  // namespace
}  // namespace autofocus
