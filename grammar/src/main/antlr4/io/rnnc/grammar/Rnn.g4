/*
 * The .rnn language. Deliberately loose: the grammar fixes only the structure (package line, model
 * blocks, statements, encoder/decoder blocks) and the front end (io.rnnc.compiler.frontend) checks
 * every word, so a misspelt cell, loss or option gets "did you mean" instead of a token list.
 *
 * A statement is a keyword and its arguments. It ends at a newline, at '}' or where the next statement
 * keyword begins, so several statements may share a line:
 *     model Xor { input 2  sequence 1 one_to_one  rnn 8  dense 1 sigmoid  loss bce  optimizer sgd lr=0.5 }
 * An unknown word where a statement should start still parses (unknownStatement) so it can be named.
 * Blocks nest one level only (encoder/decoder inside a model), so parsing never recurses deeply.
 *
 * The word tokens are the language's reserved words: 'package', 'model' and the statement keywords,
 * which must match io.rnnc.compiler.frontend.StatementKeyword one for one (same word, same token name;
 * VocabularyTest fails the build otherwise). Words after a keyword (cells' activations, losses, modes,
 * options) are plain IDENTs, listed in Java only (io.rnnc.compiler.frontend.Vocabulary).
 */
grammar Rnn;

file            : (NL | packageDecl | modelDecl)* EOF ;

/** Loose on purpose: a missing or doubled '.' part is reported by the front end, not by ANTLR's recovery. */
packageDecl     : PACKAGE qualifiedName ;
qualifiedName   : name? (DOT name?)* ;

modelDecl       : MODEL name NL* LBRACE (NL | statement)* RBRACE ;

statement       : blockStatement
                | simpleStatement
                ;

blockStatement  : kind=(ENCODER | DECODER) NL* LBRACE (NL | simpleStatement)* RBRACE ;

simpleStatement : keyword=statementKeyword arg*     # knownStatement
                | word=IDENT arg*                   # unknownStatement
                ;

statementKeyword: INPUT | SEQUENCE | RNN | LSTM | GRU | DROPOUT | DENSE | LOSS | OPTIMIZER | CLIP | BATCH | SEED
                | PRECISION ;

/** The value is optional here so that 'lr=' or 'lr=fast' get the front end's message, not a syntax error. */
arg             : key=IDENT EQ (value=NUMBER | word=IDENT)?  # optionArg
                | IDENT                             # wordArg
                | NUMBER                            # numberArg
                ;

/** A name may be any word, keywords included (package io.rnnc.model). */
name            : IDENT | statementKeyword | PACKAGE | MODEL | ENCODER | DECODER ;

PACKAGE   : 'package' ;
MODEL     : 'model' ;
ENCODER   : 'encoder' ;
DECODER   : 'decoder' ;
INPUT     : 'input' ;
SEQUENCE  : 'sequence' ;
RNN       : 'rnn' ;
LSTM      : 'lstm' ;
GRU       : 'gru' ;
DROPOUT   : 'dropout' ;
DENSE     : 'dense' ;
LOSS      : 'loss' ;
OPTIMIZER : 'optimizer' ;
CLIP      : 'clip' ;
BATCH     : 'batch' ;
SEED      : 'seed' ;
PRECISION : 'precision' ;

LBRACE    : '{' ;
RBRACE    : '}' ;
EQ        : '=' ;
DOT       : '.' ;

/** Signed so that 'rnn -5' is a range error, not a syntax error; checked and converted by the front end. */
NUMBER    : '-'? ( DIGITS ( '.' DIGITS? )? | '.' DIGITS ) EXPONENT? ;
IDENT     : [\p{L}_$] [\p{L}\p{N}_$]* ;

NL        : '\r'? '\n' | '\r' ;
WS        : [ \t\f\u000B]+ -> skip ;
COMMENT   : ( '#' | '//' ) ~[\r\n]* -> skip ;

/** Anything else: kept off the parser and reported by the front end, one diagnostic per run. */
INVALID   : . -> channel(HIDDEN) ;

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
