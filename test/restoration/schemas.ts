/**
 * Schemas the restoration tests build (written for these tests; nothing is read from outside
 * the project). Each returns the statements to run as admin.
 */
import { q } from './helpers';

/**
 * Every kind of secondary object over two databases: unique, non-unique, multi-column, prefix,
 * descending, commented, ignored, USING BTREE, FULLTEXT (two on one table) and SPATIAL indexes;
 * foreign keys that are self-referencing, composite, cross-database, with every rule, one whose
 * index InnoDB created implicitly; triggers with several per timing/event in a chosen order,
 * BEGIN...END bodies, other sql_modes and unicode text.
 */
export function richSchema(app: string, ref: string): string[] {
  const A = q(app);
  const B = q(ref);
  return [
    `CREATE TABLE ${B}.country (code CHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL, UNIQUE KEY uq_country_name (name)) ENGINE=InnoDB`,
    `CREATE TABLE ${B}.product (
       id INT NOT NULL PRIMARY KEY,
       sku VARCHAR(20) NOT NULL,
       region CHAR(2) NOT NULL,
       title VARCHAR(200) NOT NULL,
       UNIQUE KEY uq_sku_region (sku, region),
       KEY ix_title (title(20))
     ) ENGINE=InnoDB`,
    `CREATE TABLE ${A}.customer (
       id INT NOT NULL PRIMARY KEY,
       email VARCHAR(200) NOT NULL,
       name VARCHAR(100) NOT NULL,
       country_code CHAR(2) NULL,
       bio TEXT NULL,
       notes TEXT NULL,
       loc POINT NOT NULL,
       score INT NULL,
       created DATETIME NOT NULL,
       UNIQUE KEY uq_email (email),
       KEY ix_name_prefix (name(10)),
       KEY ix_score_desc (score DESC, created),
       KEY ix_created (created) COMMENT 'for the monthly report',
       KEY ix_ignored (score, id) IGNORED,
       KEY ix_btree (country_code, name) USING BTREE,
       FULLTEXT KEY ft_bio (bio),
       FULLTEXT KEY ft_bio_notes (bio, notes),
       SPATIAL KEY sp_loc (loc),
       CONSTRAINT fk_customer_country FOREIGN KEY (country_code) REFERENCES ${B}.country (code) ON UPDATE CASCADE
     ) ENGINE=InnoDB COMMENT='customers'`,
    `CREATE TABLE ${A}.\`order\` (
       id INT NOT NULL PRIMARY KEY,
       customer_id INT NOT NULL,
       parent_order_id INT NULL,
       status VARCHAR(20) NOT NULL,
       total DECIMAL(12,2) NOT NULL DEFAULT 0,
       KEY ix_status_customer (status, customer_id),
       CONSTRAINT fk_order_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE,
       CONSTRAINT fk_order_parent FOREIGN KEY (parent_order_id) REFERENCES \`order\` (id) ON DELETE SET NULL ON UPDATE NO ACTION
     ) ENGINE=InnoDB`,
    `CREATE TABLE ${A}.order_line (
       order_id INT NOT NULL,
       line_no INT NOT NULL,
       sku VARCHAR(20) NULL,
       region CHAR(2) NULL,
       qty INT NOT NULL,
       PRIMARY KEY (order_id, line_no),
       KEY ix_sku_region (sku, region),
       CONSTRAINT fk_line_order FOREIGN KEY (order_id) REFERENCES \`order\` (id) ON DELETE CASCADE ON UPDATE CASCADE,
       CONSTRAINT fk_line_product FOREIGN KEY (sku, region) REFERENCES ${B}.product (sku, region) ON DELETE RESTRICT ON UPDATE RESTRICT
     ) ENGINE=InnoDB`,
    `CREATE TABLE ${A}.audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(200) NOT NULL, at DATETIME NOT NULL) ENGINE=InnoDB`,
    // Data that satisfies every constraint.
    `INSERT INTO ${B}.country VALUES ('FR', 'France'), ('DE', 'Germany'), ('JP', 'Japan')`,
    `INSERT INTO ${B}.product VALUES (1, 'A-1', 'EU', 'Anvil'), (2, 'B-2', 'EU', 'Bucket'), (3, 'A-1', 'AS', 'Anvil (Asia)')`,
    `INSERT INTO ${A}.customer (id, email, name, country_code, bio, notes, loc, score, created) VALUES
       (1, 'a@example.com', 'Ana', 'FR', 'likes anvils', 'n1', POINT(1, 2), 10, '2024-01-01 10:00:00'),
       (2, 'b@example.com', 'Bruno', 'DE', 'buckets', NULL, POINT(3, 4), NULL, '2024-01-02 10:00:00'),
       (3, 'c@example.com', 'Chiyo', NULL, NULL, NULL, POINT(5, 6), 30, '2024-01-03 10:00:00')`,
    `INSERT INTO ${A}.\`order\` VALUES (10, 1, NULL, 'open', 12.50), (11, 1, 10, 'open', 3.00), (12, 2, NULL, 'closed', 7.25)`,
    `INSERT INTO ${A}.order_line VALUES (10, 1, 'A-1', 'EU', 2), (10, 2, 'B-2', 'EU', 1), (12, 1, NULL, NULL, 5), (11, 1, 'A-1', 'AS', 1)`,
    // Triggers: two BEFORE INSERT on customer, the second placed before the first; a multi-statement
    // body; one created under another sql_mode; unicode in the body.
    `CREATE TRIGGER ${A}.trg_customer_bi_trim BEFORE INSERT ON ${A}.customer FOR EACH ROW SET NEW.name = TRIM(NEW.name)`,
    `CREATE TRIGGER ${A}.trg_customer_bi_lower BEFORE INSERT ON ${A}.customer FOR EACH ROW PRECEDES trg_customer_bi_trim SET NEW.email = LOWER(NEW.email)`,
    `CREATE TRIGGER ${A}.trg_customer_au AFTER UPDATE ON ${A}.customer FOR EACH ROW
     BEGIN
       IF NEW.score <> OLD.score THEN
         INSERT INTO audit (what, at) VALUES (CONCAT('score of ', NEW.id, ' → ', NEW.score, ' (été)'), NOW());
       END IF;
     END`,
    `SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'`,
    `CREATE TRIGGER ${A}.trg_order_bd BEFORE DELETE ON ${A}."order" FOR EACH ROW INSERT INTO "audit" (what, at) VALUES (CONCAT('delete order ', OLD.id, ' \\ done'), NOW())`,
    `SET SESSION sql_mode = DEFAULT`,
    `CREATE TRIGGER ${B}.trg_product_bu BEFORE UPDATE ON ${B}.product FOR EACH ROW SET NEW.title = CONCAT(NEW.title, '')`,
  ];
}

/**
 * Unusual names: spaces, backticks, unicode, reserved words, in database, table, column, index,
 * constraint and trigger names, with a foreign key between two such databases.
 */
export function unusualSchema(one: string, two: string): string[] {
  const A = q(one);
  const B = q(two);
  return [
    `CREATE TABLE ${B}.\`select\` (\`from\` INT NOT NULL PRIMARY KEY, \`wh\`\`ere\` VARCHAR(30) NOT NULL, UNIQUE KEY \`uniq ue\` (\`wh\`\`ere\`)) ENGINE=InnoDB`,
    `CREATE TABLE ${A}.\`tab\`\`le, (x)\` (
       \`id\` INT NOT NULL PRIMARY KEY,
       \`col umn\` VARCHAR(40) NOT NULL,
       \`größe\` INT NULL,
       \`日本\` VARCHAR(20) NULL,
       \`ref\`\`id\` INT NULL,
       KEY \`idx, with (comma)\` (\`col umn\`, \`größe\`),
       UNIQUE KEY \`ключ\` (\`日本\`),
       KEY \`key\` (\`größe\` DESC) COMMENT 'it''s \`quoted\` and "double"',
       KEY \`back\`\`tick\`\`s\` (\`col umn\`(5)),
       CONSTRAINT \`fk to select\` FOREIGN KEY (\`ref\`\`id\`) REFERENCES ${B}.\`select\` (\`from\`) ON DELETE SET NULL,
       CONSTRAINT \`fk ünï\` FOREIGN KEY (\`col umn\`) REFERENCES ${B}.\`select\` (\`wh\`\`ere\`)
     ) ENGINE=InnoDB`,
    `INSERT INTO ${B}.\`select\` VALUES (1, 'one'), (2, 'two')`,
    `INSERT INTO ${A}.\`tab\`\`le, (x)\` VALUES (1, 'one', 5, 'やま', 1), (2, 'two', NULL, NULL, NULL)`,
    `CREATE TRIGGER ${A}.\`trg \`\` ünï\` BEFORE INSERT ON ${A}.\`tab\`\`le, (x)\` FOR EACH ROW SET NEW.\`größe\` = COALESCE(NEW.\`größe\`, 0)`,
    `CREATE TRIGGER ${A}.\`order\` AFTER DELETE ON ${A}.\`tab\`\`le, (x)\` FOR EACH ROW SET @\`last deleted\` = OLD.\`id\``,
  ];
}
