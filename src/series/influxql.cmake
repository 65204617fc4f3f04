# InfluxQL lexer, parser, AST and time-range extraction. Depends only on
# util (no storage): the executor links this and walks the AST.
add_library(strata_influxql STATIC
  ${CMAKE_CURRENT_LIST_DIR}/influxql/ast.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql/lexer.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql/parse_expr.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql/parse_select.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql/parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql/time_literals.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql/time_range.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql/token.cc
)
target_link_libraries(strata_influxql PUBLIC strata_util date::date)
